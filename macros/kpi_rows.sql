{#- The long KPI row shape of kpi_monthly (kpis.md): every int_*_kpis_monthly model selects
    exactly these columns, in this order, through this macro. -#}
{% macro kpi_row(kpi_code, period_month, slice_type, slice_value, numerator, denominator, value, is_mature) -%}
        cast({{ kpi_code }} as {{ dbt.type_string() }}) as kpi_code,
        cast({{ period_month }} as date) as period_month,
        cast({{ slice_type }} as {{ dbt.type_string() }}) as slice_type,
        cast({{ slice_value }} as {{ dbt.type_string() }}) as slice_value,
        cast({{ numerator }} as {{ type_double() }}) as numerator,
        cast({{ denominator }} as {{ type_double() }}) as denominator,
        cast({{ value }} as {{ type_double() }}) as value,
        cast({{ is_mature }} as boolean) as is_mature
{%- endmacro %}

{% macro empty_kpi_rows() -%}
    select {{ kpi_row('null', 'null', 'null', 'null', 'null', 'null', 'null', 'null') }}
    where 1 = 0
{%- endmacro %}

{#- The rows of an int_*_kpis_monthly model from its parts: `select * from` each CTE named in
    parts (each selecting kpi_row columns), union all; no rows when the list is empty
    (every part needs an optional table the export lacks). -#}
{% macro union_kpi_parts(parts) -%}
    {%- for part in parts %}
    select * from {{ part }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    {{ empty_kpi_rows() }}
    {%- endfor %}
{%- endmacro %}
