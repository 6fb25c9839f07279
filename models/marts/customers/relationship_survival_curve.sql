{{ gate_dependency() }}
-- the Kaplan-Meier survival curve of customer relationships as seen at the end of each month,
-- for charts: the share of relationships lasting longer than each observed duration
with

curve as (
    select * from {{ ref('int_relationship_survival_monthly') }}
),

final as (
    select
        period_month,
        slice_type,
        slice_value,
        cast(duration_days as bigint) as duration_days,
        cast(duration_days as {{ type_double() }}) / 365.25 as duration_years,
        cast(at_risk as bigint) as at_risk,
        cast(events as bigint) as events,
        cast(censored as bigint) as censored,
        cast(survival as {{ type_double() }}) as survival,
        is_month_closed as is_mature
    from curve
)

select * from final
