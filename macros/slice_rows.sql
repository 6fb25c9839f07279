{#- One copy of every row of a CTE per slice the row belongs to, with slice_type and
    slice_value added: slices is a list of [slice_type, column] pairs, where column none means
    the company slice (slice_value `all`). A row whose slice column is empty (an account
    without owner) belongs to no slice of that type. Group the result by slice_type and
    slice_value to get one figure per slice. -#}
{% macro slice_rows(cte, slices) -%}
    {%- for slice in slices %}
    select
        {{ cte }}.*,
        '{{ slice[0] }}' as slice_type,
        {% if slice[1] is none -%}
        'all'
        {%- else -%}
        cast({{ cte }}.{{ slice[1] }} as {{ dbt.type_string() }})
        {%- endif %} as slice_value
    from {{ cte }}
    {%- if slice[1] is not none %}
    where {{ cte }}.{{ slice[1] }} is not null
    {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
