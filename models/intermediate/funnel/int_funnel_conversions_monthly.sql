-- step conversion per month and slice (kpis.md section 1): the leads that reached the step's
-- start stage in M (whenever they were created) and how many of them reached its end stage by
-- as_of; one row per step, month and slice with at least one such lead
with

funnel_steps as (
    select * from {{ ref('int_leads_funnel_steps') }}
),

lead_slices as (
    select * from {{ ref('int_leads_slices') }}
),

calendar_months as (
    select * from {{ ref('int_calendar_months') }}
),

counted as (
    select
        funnel_steps.funnel_step,
        funnel_steps.step_order,
        funnel_steps.kpi_code,
        funnel_steps.from_stage,
        funnel_steps.to_stage,
        funnel_steps.from_reached_month as period_month,
        lead_slices.slice_type,
        lead_slices.slice_value,
        cast(count(*) as {{ dbt.type_bigint() }}) as leads_started,
        cast(sum(case when funnel_steps.is_converted then 1 else 0 end) as {{ dbt.type_bigint() }})
            as leads_converted
    from funnel_steps
    inner join lead_slices
        on funnel_steps.lead_id = lead_slices.lead_id
    group by
        funnel_steps.funnel_step,
        funnel_steps.step_order,
        funnel_steps.kpi_code,
        funnel_steps.from_stage,
        funnel_steps.to_stage,
        funnel_steps.from_reached_month,
        lead_slices.slice_type,
        lead_slices.slice_value
),

final as (
    select
        counted.period_month,
        counted.funnel_step,
        counted.step_order,
        counted.kpi_code,
        counted.from_stage,
        counted.to_stage,
        counted.slice_type,
        counted.slice_value,
        counted.leads_started,
        counted.leads_converted,
        {{ safe_divide('counted.leads_converted', 'counted.leads_started') }} as conversion_rate,
        calendar_months.is_funnel_mature as is_mature
    from counted
    inner join calendar_months
        on counted.period_month = calendar_months.period_month
)

select * from final
