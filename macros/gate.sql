{#-
    Where the data-quality gate runs (docs/data_quality.md). On adapters that run dbt Python
    models (DuckDB here) the gate is part of `dbt build`: the Python models export_files
    (reading the export folder), validation_results (the input suites) and
    kpi_monthly_validation (the kpi_monthly suite) run inside the DAG, and every mart depends
    on them. Elsewhere these models are disabled and the same suites run from the command
    line around dbt (`python -m b2b_sales_kpis.quality`); the SQL marts stay buildable.
-#}

{% macro gate_runs_in_dbt() %}
    {#- The same condition enables the gate's Python models (models/quality/_quality__models.yml):
        Python models run here (python_model_adapters, dbt_project.yml), the gate's Python
        code speaks DuckDB, and dq_gate_in_dbt is not switched off. -#}
    {{ return(target.type == 'duckdb'
        and target.type in var('python_model_adapters', ['duckdb', 'snowflake', 'bigquery', 'databricks'])
        and var('dq_gate_in_dbt', true)) }}
{% endmacro %}


{% macro export_preflight_dependency() %}
    {#- Readers of the export wait for export_files, which rejects unreadable files with a
        message that says what to set. A block comment: it may stand anywhere in SQL. -#}
    {%- if gate_runs_in_dbt() and model.resource_type != 'unit_test' %} /* checked by {{ ref('export_files') }} */{% endif -%}
{% endmacro %}


{% macro gate_failures_message() %}
    {#- SQL: one line per failed blocking expectation of the gate's latest run. -#}
    'Data-quality gate failed: ' || count(*) || ' blocking expectation(s); the marts were not rebuilt (the last good ones stay published).' || chr(10)
        || string_agg('  - ' || message, chr(10) order by suite, column_name, rule)
        || chr(10) || 'Details: quality.validation_results, {{ env_var("DBT_TARGET_PATH", "target") }}/data_quality_report.html'
{%- endmacro %}


{% macro log_data_quality(results) %}
    {#- After a run: what the gate checked, what failed, and what was quarantined. -#}
    {%- if execute and flags.WHICH in ('build', 'run') and gate_runs_in_dbt() -%}
        {%- set gate = results | selectattr('node.name', 'equalto', 'validation_results') | list -%}
        {%- set quarantine = results | selectattr('node.name', 'equalto', 'quarantined_rows') | list -%}
        {%- if gate and gate[0].status == 'success' -%}
            {%- set counts = run_query(
                "select count(*), count(*) filter (where not success and severity = 'blocking'), "
                ~ "count(*) filter (where not success and severity <> 'blocking'), "
                ~ "count(*) filter (where suite = 'kpi_monthly') from " ~ gate[0].node.relation_name) -%}
            {%- set row = counts.rows[0] -%}
            {%- do log("Data quality: " ~ row[0] ~ " expectations checked" ~ (" (kpi_monthly suite not run)" if row[3] == 0 else "")
                ~ ", " ~ row[1] ~ " blocking failed, " ~ row[2] ~ " warning(s); report: "
                ~ (env_var('DBT_TARGET_PATH', 'target')) ~ "/data_quality_report.html", info=true) -%}
        {%- endif -%}
        {%- if quarantine and quarantine[0].status == 'success' -%}
            {%- set rows = run_query(
                "select table_name, quarantine_reason, count(*) from " ~ quarantine[0].node.relation_name
                ~ " group by all order by all").rows -%}
            {%- set total = rows | sum(attribute=2) -%}
            {%- set parts = [] -%}
            {%- for r in rows -%}{%- do parts.append(r[0] ~ ": " ~ r[2] ~ " " ~ r[1]) -%}{%- endfor -%}
            {%- do log("Quarantined " ~ total ~ " row(s)" ~ ((" (" ~ parts | join("; ") ~ ") in quality.quarantined_rows") if total else ""), info=true) -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
