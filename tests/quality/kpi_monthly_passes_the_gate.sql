-- the data-quality gate on the rows kpi_monthly is about to publish
{{ config(enabled=gate_runs_in_dbt()) }}
select count(*) as failed_expectations
from {{ ref('kpi_monthly_validation') }}
where severity = 'blocking' and not success
having case when count(*) > 0 then {{ raise_error(gate_failures_message()) }} is null else false end
