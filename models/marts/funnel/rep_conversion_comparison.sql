{{ gate_dependency() }}
-- each rep's step conversion against the other reps of the same team (kpis.md section 1, rep
-- comparison): for month M, rep and step, over the leads that reached the step's start stage
-- in the 12 months ending with M (M-11 .. M), the rep's rate with its 95 % Wilson score
-- interval, the pooled rate of the team's other reps, and a flag where the whole interval
-- lies under (`below`) or over (`above`) that rate; `in_line` otherwise, always when the rep
-- has fewer than rep_comparison_min_leads leads in the step
with

conversions as (
    select * from {{ ref('int_funnel_conversions_monthly') }}
),

calendar_months as (
    select * from {{ ref('int_calendar_months') }}
),

reps as (
    select * from {{ ref('stg_crm__reps') }}
),

-- the normal quantile of a two-sided 95 % interval
params as (
    select cast(1.959963984540054 as double) as z
),

-- monthly counts by rep and by team; the team's other reps are the team minus the rep
monthly_counts as (
    select
        period_month,
        funnel_step,
        step_order,
        kpi_code,
        from_stage,
        to_stage,
        slice_type,
        slice_value,
        leads_started,
        leads_converted
    from conversions
    where slice_type in ('rep', 'team')
),

-- the 12 calendar months ending with each reporting month
windowed as (
    select
        calendar_months.period_month,
        cast({{ dbt.dateadd('month', -11, 'calendar_months.period_month') }} as date)
            as window_start_month,
        calendar_months.is_funnel_mature,
        monthly_counts.funnel_step,
        monthly_counts.step_order,
        monthly_counts.kpi_code,
        monthly_counts.from_stage,
        monthly_counts.to_stage,
        monthly_counts.slice_type,
        monthly_counts.slice_value,
        cast(sum(monthly_counts.leads_started) as {{ dbt.type_bigint() }}) as leads_started,
        cast(sum(monthly_counts.leads_converted) as {{ dbt.type_bigint() }}) as leads_converted
    from calendar_months
    inner join monthly_counts
        on monthly_counts.period_month <= calendar_months.period_month
        and monthly_counts.period_month
            >= cast({{ dbt.dateadd('month', -11, 'calendar_months.period_month') }} as date)
    group by
        calendar_months.period_month,
        calendar_months.is_funnel_mature,
        monthly_counts.funnel_step,
        monthly_counts.step_order,
        monthly_counts.kpi_code,
        monthly_counts.from_stage,
        monthly_counts.to_stage,
        monthly_counts.slice_type,
        monthly_counts.slice_value
),

rep_windows as (
    select
        windowed.*,
        reps.team
    from windowed
    left join reps
        on windowed.slice_value = reps.rep_id
    where windowed.slice_type = 'rep'
),

team_windows as (
    select * from windowed
    where slice_type = 'team'
),

compared as (
    select
        rep_windows.period_month,
        rep_windows.window_start_month,
        rep_windows.slice_value as rep_id,
        rep_windows.team,
        rep_windows.funnel_step,
        rep_windows.step_order,
        rep_windows.kpi_code,
        rep_windows.from_stage,
        rep_windows.to_stage,
        rep_windows.leads_started as rep_leads,
        rep_windows.leads_converted as rep_conversions,
        {{ safe_divide('rep_windows.leads_converted', 'rep_windows.leads_started') }}
            as rep_conversion_rate,
        -- null for a rep missing from reps (no team to compare with)
        team_windows.leads_started - rep_windows.leads_started as other_reps_leads,
        team_windows.leads_converted - rep_windows.leads_converted
            as other_reps_conversions,
        rep_windows.is_funnel_mature as is_mature
    from rep_windows
    left join team_windows
        on rep_windows.period_month = team_windows.period_month
        and rep_windows.funnel_step = team_windows.funnel_step
        and rep_windows.team = team_windows.slice_value
),

-- Wilson score interval: (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
wilson_terms as (
    select
        compared.*,
        {{ safe_divide('compared.other_reps_conversions', 'compared.other_reps_leads') }}
            as other_reps_conversion_rate,
        (compared.rep_conversion_rate + params.z * params.z / (2.0 * compared.rep_leads))
            / (1 + params.z * params.z / compared.rep_leads) as wilson_center,
        params.z * sqrt(
            compared.rep_conversion_rate * (1 - compared.rep_conversion_rate) / compared.rep_leads
            + params.z * params.z / (4.0 * compared.rep_leads * compared.rep_leads)
        ) / (1 + params.z * params.z / compared.rep_leads) as wilson_half_width
    from compared
    cross join params
),

wilson as (
    select
        wilson_terms.*,
        -- clamped to [0, 1] against rounding noise at rates of exactly 0 or 1
        greatest(0.0, wilson_center - wilson_half_width) as rep_rate_ci_lower,
        least(1.0, wilson_center + wilson_half_width) as rep_rate_ci_upper
    from wilson_terms
),

final as (
    select
        period_month,
        window_start_month,
        rep_id,
        team,
        funnel_step,
        step_order,
        kpi_code,
        from_stage,
        to_stage,
        rep_leads,
        rep_conversions,
        rep_conversion_rate,
        rep_rate_ci_lower,
        rep_rate_ci_upper,
        other_reps_leads,
        other_reps_conversions,
        other_reps_conversion_rate,
        rep_leads >= {{ var('rep_comparison_min_leads') }} as has_min_sample,
        case
            -- too few leads to judge: never flagged, however extreme the rate
            when rep_leads < {{ var('rep_comparison_min_leads') }} then 'in_line'
            when other_reps_conversion_rate is null then 'in_line'
            when rep_rate_ci_upper < other_reps_conversion_rate then 'below'
            when rep_rate_ci_lower > other_reps_conversion_rate then 'above'
            else 'in_line'
        end as comparison_flag,
        is_mature
    from wilson
)

select * from final
