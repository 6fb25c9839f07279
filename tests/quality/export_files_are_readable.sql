-- the export folder can be read as declared (csv_delimiter, csv_encoding): else stop before
-- any reader of the export runs, saying per file what is wrong and what to set
{{ config(enabled=gate_runs_in_dbt()) }}
select {{ raise_error("'Bad input: the export cannot be read as declared:' || chr(10) || string_agg('  - table ' || table_name || ': ' || problem, chr(10) order by table_name)") }} as failure
from {{ ref('export_files') }}
where problem is not null
having count(*) > 0
