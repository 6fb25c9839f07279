{{ gate_dependency() }}
-- leads per funnel stage, month and slice, in stage order, for a funnel chart: every stage of
-- every month and slice with any funnel activity gets a row (0 where no lead reached it)
with

stages_reached as (
    select * from {{ ref('int_leads_stages_reached') }}
),

lead_slices as (
    select * from {{ ref('int_leads_slices') }}
),

calendar_months as (
    select * from {{ ref('int_calendar_months') }}
),

funnel_stages as (
    select distinct stage_order, funnel_stage from stages_reached
),

sliced_stages as (
    select
        lead_slices.slice_type,
        lead_slices.slice_value,
        stages_reached.stage_order,
        stages_reached.funnel_stage,
        stages_reached.reached_month,
        stages_reached.lead_created_month
    from stages_reached
    inner join lead_slices
        on stages_reached.lead_id = lead_slices.lead_id
    where stages_reached.is_reached
),

-- flow: leads that reached the stage in M, whenever they were created
reached_in_month as (
    select
        reached_month as period_month,
        slice_type,
        slice_value,
        stage_order,
        count(*) as leads_reached
    from sliced_stages
    group by reached_month, slice_type, slice_value, stage_order
),

-- cohort: leads created in M that reached the stage by as_of, in any month
created_in_month as (
    select
        lead_created_month as period_month,
        slice_type,
        slice_value,
        stage_order,
        count(*) as cohort_leads_reached
    from sliced_stages
    group by lead_created_month, slice_type, slice_value, stage_order
),

slice_months as (
    select period_month, slice_type, slice_value from reached_in_month
    union
    select period_month, slice_type, slice_value from created_in_month
),

final as (
    select
        slice_months.period_month,
        slice_months.slice_type,
        slice_months.slice_value,
        funnel_stages.stage_order,
        funnel_stages.funnel_stage,
        coalesce(reached_in_month.leads_reached, 0) as leads_reached,
        coalesce(created_in_month.cohort_leads_reached, 0) as cohort_leads_reached,
        calendar_months.is_funnel_mature as is_mature
    from slice_months
    cross join funnel_stages
    inner join calendar_months
        on slice_months.period_month = calendar_months.period_month
    left join reached_in_month
        on slice_months.period_month = reached_in_month.period_month
        and slice_months.slice_type = reached_in_month.slice_type
        and slice_months.slice_value = reached_in_month.slice_value
        and funnel_stages.stage_order = reached_in_month.stage_order
    left join created_in_month
        on slice_months.period_month = created_in_month.period_month
        and slice_months.slice_type = created_in_month.slice_type
        and slice_months.slice_value = created_in_month.slice_value
        and funnel_stages.stage_order = created_in_month.stage_order
)

select * from final
