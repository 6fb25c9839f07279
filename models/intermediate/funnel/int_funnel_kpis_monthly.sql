-- the funnel's rows of kpi_monthly (kpis.md sections 1 and 9): the six conv_* step
-- conversions by company, rep, team, segment and lead source, and referral_lead_conversion
-- (conv_lead_to_order over referral leads only) by company and segment; a row wherever the
-- step had a lead starting it in M (denominator > 0)
with

conversions as (
    select * from {{ ref('int_funnel_conversions_monthly') }}
),

funnel_steps as (
    select * from {{ ref('int_leads_funnel_steps') }}
),

lead_slices as (
    select * from {{ ref('int_leads_slices') }}
),

calendar_months as (
    select * from {{ ref('int_calendar_months') }}
),

step_rows as (
    select
        {{ kpi_row(
            'kpi_code', 'period_month', 'slice_type', 'slice_value',
            'leads_converted', 'leads_started', 'conversion_rate', 'is_mature'
        ) }}
    from conversions
),

-- the whole funnel, lead -> order, for leads that came in through a referral
referral_counts as (
    select
        funnel_steps.from_reached_month as period_month,
        lead_slices.slice_type,
        lead_slices.slice_value,
        cast(count(*) as {{ dbt.type_bigint() }}) as leads_started,
        cast(sum(case when funnel_steps.is_converted then 1 else 0 end) as {{ dbt.type_bigint() }})
            as leads_converted
    from funnel_steps
    inner join lead_slices
        on funnel_steps.lead_id = lead_slices.lead_id
    where funnel_steps.funnel_step = 'lead_to_order'
        and lead_slices.lead_source = 'referral'
        and lead_slices.slice_type in ('company', 'segment')
    group by
        funnel_steps.from_reached_month,
        lead_slices.slice_type,
        lead_slices.slice_value
),

referral_rows as (
    select
        {{ kpi_row(
            "'referral_lead_conversion'", 'referral_counts.period_month',
            'referral_counts.slice_type', 'referral_counts.slice_value',
            'referral_counts.leads_converted', 'referral_counts.leads_started',
            safe_divide('referral_counts.leads_converted', 'referral_counts.leads_started'),
            'calendar_months.is_funnel_mature'
        ) }}
    from referral_counts
    inner join calendar_months
        on referral_counts.period_month = calendar_months.period_month
),

final as (
    select * from step_rows
    union all
    select * from referral_rows
)

select * from final
