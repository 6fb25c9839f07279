{#- One row per period, datepart 'month' (calendar months) or 'week' (ISO weeks, starting on
    Monday), from the period of the earliest event to the period of as_of: the first day of
    each in a date column `column_name`. `as_of` names the CTE holding int_as_of_dates
    (first_event_date, as_of_date). The spine of int_calendar_months and int_marketing_weeks;
    generate_series is DuckDB's (the one place to port for another warehouse). -#}
{% macro period_spine(datepart, column_name, as_of='as_of') -%}
    select
        cast(generated.{{ column_name }} as date) as {{ column_name }}
    from {{ as_of }}
    cross join lateral (
        select unnest(generate_series(
            cast({{ dbt.date_trunc(datepart, as_of ~ '.first_event_date') }} as date),
            cast({{ dbt.date_trunc(datepart, as_of ~ '.as_of_date') }} as date),
            interval 1 {{ datepart }}
        )) as {{ column_name }}
    ) as generated
{%- endmacro %}
