{#- The first day of the period a date falls in, for a period grain that is 'month' (the
    calendar month) or 'week' (the ISO week, starting on Monday): one event rolled up into
    either grain, e.g. period_start('grains.period_grain', 'cast(x.occurred_at as date)'). -#}
{% macro period_start(period_grain, date) -%}
    case
        when {{ period_grain }} = 'month' then cast({{ dbt.date_trunc('month', date) }} as date)
        else cast({{ dbt.date_trunc('week', date) }} as date)
    end
{%- endmacro %}
