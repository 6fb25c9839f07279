-- a scorecard row whose target equals its floor cannot be scored (the attainment divides by
-- target - floor), and a negative weight would invert the weighted average
select
    dimension_code,
    kpi_code,
    slice_type,
    slice_value,
    weight,
    target,
    floor
from {{ ref('stg_config__scorecard_kpis') }}
where target = floor
    or weight < 0
