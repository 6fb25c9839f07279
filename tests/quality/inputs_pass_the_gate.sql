-- the data-quality gate on the input tables: a failed blocking expectation fails `dbt build`
-- with one line per failure (table, column, rule, unexpected count, a few keys); dbt then
-- skips every mart, so the last good marts stay published
{{ config(enabled=gate_runs_in_dbt()) }}
select count(*) as failed_expectations
from {{ ref('validation_results') }}
where severity = 'blocking' and not success
having case when count(*) > 0 then {{ raise_error(gate_failures_message()) }} is null else false end
