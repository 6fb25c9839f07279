-- one row per ISO week (Monday start) from the week of the earliest event to the week of
-- as_of; a week is complete once its Sunday is on or before as_of
with

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

weeks as (
    {{ period_spine('week', 'week_start') }}
),

final as (
    select
        weeks.week_start,
        cast({{ dbt.dateadd('day', 6, 'weeks.week_start') }} as date) as week_last_day,
        least(cast({{ dbt.dateadd('day', 6, 'weeks.week_start') }} as date), as_of.as_of_date)
            as week_end_on,
        as_of.as_of_date,
        cast({{ dbt.dateadd('day', 6, 'weeks.week_start') }} as date) <= as_of.as_of_date
            as is_complete_week
    from weeks
    cross join as_of
)

select * from final
