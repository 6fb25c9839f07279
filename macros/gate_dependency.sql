{#- Every mart calls this once at its top, so that no mart is rebuilt from data that did
    not pass the data-quality gate (see python_checks/ and docs/data_quality.md).

    Where the gate runs inside dbt (gate_runs_in_dbt) the mart depends on both gate models:
    in `dbt build` their tests fail on a blocking expectation and dbt skips every mart, so the
    previously published marts stay as they were. In `dbt run` (no tests) the mart refuses
    to build, at compile time, while the gate's latest results hold a failed blocking
    expectation. A unit test of a mart needs no gate: it renders nothing there. -#}
{% macro gate_dependency() -%}
{%- if gate_runs_in_dbt() and model.resource_type != 'unit_test' %}
-- depends_on: {{ ref('validation_results') }}
-- depends_on: {{ ref('kpi_monthly_validation') }}
{%- if execute and flags.WHICH in ('run', 'build') %}
{%- set results = load_relation(ref('validation_results')) -%}
{%- set failed = run_query("select count(*) from " ~ results ~ " where severity = 'blocking' and not success") if results else none -%}
{%- if failed and failed.columns[0].values()[0] > 0 -%}
{{ exceptions.raise_compiler_error("Not rebuilt: the data-quality gate's latest run has "
    ~ failed.columns[0].values()[0] ~ " failed blocking expectation(s) (quality.validation_results).") }}
{%- endif -%}
{%- endif %}
{%- endif %}
{%- endmacro %}
