{#- slice_type and slice_value of a `group by grouping sets ((...), (..., column))`: the
    grouping set without the column is the company row ('company', 'all'), the one with it
    the breakdown row (slice_type, the column's value). -#}
{% macro grouping_slice(column, slice_type) -%}
    case when grouping({{ column }}) = 1 then 'company' else '{{ slice_type }}' end as slice_type,
        case when grouping({{ column }}) = 1 then 'all' else {{ column }} end as slice_value
{%- endmacro %}
