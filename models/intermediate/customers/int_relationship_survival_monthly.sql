-- the Kaplan-Meier survival curve of customer relationships as seen at the end of each month
-- (kpis.md section 7, worked example 6), for the company and each segment: over all
-- relationships started by the end of M, one row per distinct duration observed. A
-- relationship still running at the end of M is censored at (end of M + 1 day) - start.
with

months as (
    select * from {{ ref('int_calendar_months') }}
),

relationships as (
    select * from {{ ref('int_customer_relationships') }}
),

observed as (
    select
        months.period_month,
        months.is_month_closed,
        relationships.account_id,
        relationships.segment,
        coalesce(relationships.ended_on <= months.month_end_on, false) as is_event,
        case
            when relationships.ended_on <= months.month_end_on
                then {{ dbt.datediff('relationships.started_on', 'relationships.ended_on', 'day') }}
            else {{ dbt.datediff(
                'relationships.started_on',
                dbt.dateadd('day', 1, 'months.month_end_on'),
                'day') }}
        end as duration_days
    from months
    inner join relationships
        on relationships.started_on <= months.month_end_on
),

sliced as (
    {{ slice_rows('observed', [['company', none], ['segment', 'segment']]) }}
),

by_duration as (
    select
        period_month,
        is_month_closed,
        slice_type,
        slice_value,
        duration_days,
        sum(case when is_event then 1 else 0 end) as events,
        sum(case when is_event then 0 else 1 end) as censored
    from sliced
    group by period_month, is_month_closed, slice_type, slice_value, duration_days
),

-- at risk at t: every relationship lasting t days or longer, so a censoring at t is still at
-- risk when the events at t happen (events before censorings)
with_at_risk as (
    select
        *,
        sum(events + censored) over (
            partition by period_month, slice_type, slice_value
            order by duration_days desc
            rows between unbounded preceding and current row
        ) as at_risk
    from by_duration
),

-- S(t) = product of (1 - events / at risk) over durations <= t, summed as logarithms; a
-- factor of 0 (everyone at risk ends) pins S to 0 from there on
factors as (
    select
        *,
        case when events = at_risk then 1 else 0 end as is_zero_factor,
        case
            when events = 0 or events = at_risk then 0.0
            else ln(cast(at_risk - events as {{ type_double() }})) - ln(cast(at_risk as {{ type_double() }}))
        end as log_factor
    from with_at_risk
),

curve as (
    select
        *,
        sum(is_zero_factor) over (
            partition by period_month, slice_type, slice_value
            order by duration_days
            rows between unbounded preceding and current row
        ) as zero_factors_so_far,
        sum(log_factor) over (
            partition by period_month, slice_type, slice_value
            order by duration_days
            rows between unbounded preceding and current row
        ) as log_survival
    from factors
),

final as (
    select
        period_month,
        slice_type,
        slice_value,
        duration_days,
        at_risk,
        events,
        censored,
        case when zero_factors_so_far > 0 then 0.0 else exp(log_survival) end as survival,
        is_month_closed
    from curve
)

select * from final
