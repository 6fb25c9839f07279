{#- Use the custom schema name as it is (staging, intermediate, marts, ...), not
    "<target schema>_<custom>", so BI tools read marts.kpi_monthly. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
