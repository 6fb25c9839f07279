{{ gate_dependency() }}
-- step conversions of the sales funnel per month and slice (kpis.md section 1): of the leads
-- that reached a step's start stage in M, how many reached its end stage by as_of
with

conversions as (
    select * from {{ ref('int_funnel_conversions_monthly') }}
),

final as (
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
        leads_converted,
        conversion_rate,
        is_mature
    from conversions
)

select * from final
