{#- Double precision for KPI values: dbt.type_float() is a 4-byte float on DuckDB, too coarse
    for rates that are compared to many decimals. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'b2b_sales_kpis')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}
