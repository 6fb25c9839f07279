-- the quality scorecard's rows from the kpi_scorecard seed (kpis.md section 12): which KPI,
-- optionally which slice, counts towards which quality dimension, with weight, target and floor
with

source as (
    select * from {{ ref('kpi_scorecard') }}
),

renamed as (
    select
        {{ parse_text('dimension_code') }} as dimension_code,
        {{ parse_text('dimension_name_de') }} as dimension_name_de,
        {{ parse_text('dimension_name_en') }} as dimension_name_en,
        {{ parse_text('kpi_code') }} as kpi_code,
        -- an empty slice means the company row
        coalesce({{ parse_text('slice_type') }}, 'company') as slice_type,
        coalesce({{ parse_text('slice_value') }}, 'all') as slice_value,
        cast(weight as {{ type_double() }}) as weight,
        cast(target as {{ type_double() }}) as target,
        cast(floor as {{ type_double() }}) as floor
    from source
)

select * from renamed
