{#- A SQL expression that fails the query with the given message (a SQL string expression).
    Used where bad input must stop the build with a message naming the offending value. -#}
{% macro raise_error(message_sql) -%}
    {{ return(adapter.dispatch('raise_error', 'b2b_sales_kpis')(message_sql)) }}
{%- endmacro %}

{% macro default__raise_error(message_sql) -%}
    cast(error({{ message_sql }}) as {{ dbt.type_string() }})
{%- endmacro %}
