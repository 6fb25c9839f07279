{#- Fails with the duplicated combinations: our own small stand-in for dbt_utils' test,
    which the dbt package hub (unreachable here) would bring. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
select
    {{ combination_of_columns | join(', ') }},
    count(*) as duplicate_rows
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{% endtest %}
