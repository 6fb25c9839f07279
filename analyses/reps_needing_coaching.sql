-- Which reps convert a funnel step clearly worse than the rest of their team in the latest
-- month (trailing 12 months, 95 % Wilson interval wholly below the others' rate)?
with

comparison as (
    select * from {{ ref('rep_conversion_comparison') }}
),

latest as (
    select max(period_month) as period_month from comparison
),

final as (
    select
        comparison.rep_id,
        comparison.team,
        comparison.funnel_step,
        comparison.rep_leads,
        comparison.rep_conversion_rate,
        comparison.rep_rate_ci_lower,
        comparison.rep_rate_ci_upper,
        comparison.other_reps_conversion_rate
    from comparison
    inner join latest
        on comparison.period_month = latest.period_month
    where comparison.comparison_flag = 'below'
)

select * from final
order by funnel_step, rep_id
