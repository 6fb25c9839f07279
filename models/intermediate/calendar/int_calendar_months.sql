-- one row per reporting month, from the month of the earliest event to the month of as_of;
-- "the end of M" is M's last day, or as_of for the month of as_of (kpis.md, Conventions)
with

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

months as (
    {{ period_spine('month', 'period_month') }}
),

final as (
    select
        months.period_month,
        cast({{ dbt.last_day('months.period_month', 'month') }} as date) as month_last_day,
        least(cast({{ dbt.last_day('months.period_month', 'month') }} as date), as_of.as_of_date)
            as month_end_on,
        as_of.as_of_date,
        -- outside the funnel a month is settled once it ended before as_of
        cast({{ dbt.last_day('months.period_month', 'month') }} as date) < as_of.as_of_date
            as is_month_closed,
        -- the funnel waits funnel_maturity_days after the month's last day
        cast({{ dbt.dateadd('day', var('funnel_maturity_days'), dbt.last_day('months.period_month', 'month')) }} as date)
            <= as_of.as_of_date as is_funnel_mature
    from months
    cross join as_of
)

select * from final
