{#- `dbt run-operation print_warehouse_path`: where this profile writes the warehouse. -#}
{% macro print_warehouse_path() %}
    {{ print("warehouse: " ~ target.path) }}
{% endmacro %}
