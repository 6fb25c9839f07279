-- the data-quality gate on the rows kpi_monthly is about to publish
{{ config(enabled=gate_runs_in_dbt()) }}
select {{ raise_error(gate_failures_message()) }} as failure
from {{ ref('kpi_monthly_validation') }}
where severity = 'blocking' and not success
having count(*) > 0
