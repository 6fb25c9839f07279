-- the export folder can be read as declared (csv_delimiter, csv_encoding): else stop before
-- any reader of the export runs, saying per file what is wrong and what to set
-- (the error is raised in having: dbt only counts a test's rows, so a select-list error
-- would never be evaluated)
{{ config(enabled=gate_runs_in_dbt()) }}
select count(*) as problems
from {{ ref('export_files') }}
where problem is not null
having case
    when count(*) > 0
        then {{ raise_error("'Bad input: the export cannot be read as declared:' || chr(10) || string_agg('  - table ' || table_name || ': ' || problem, chr(10) order by table_name)") }} is null
    else false
end
