{#- The one ratio of the project: null, never zero and never an error, on a zero or
    missing denominator (kpis.md, Conventions). -#}
{% macro safe_divide(numerator, denominator) -%}
    case
        when ({{ denominator }}) is null or ({{ denominator }}) = 0 then null
        else cast({{ numerator }} as {{ dbt.type_float() }}) / cast({{ denominator }} as {{ dbt.type_float() }})
    end
{%- endmacro %}
