-- one row per lead and funnel step s -> t whose start stage s the lead reached by as_of:
-- the month it reached s (the month whose denominator it joins) and whether it reached t by
-- as_of, in any month (the numerator)
with

stages_reached as (
    select * from {{ ref('int_leads_stages_reached') }}
),

funnel_steps as (
    select * from (
        values
            (1, 'lead_to_first_meeting', 'lead', 'first_meeting'),
            (2, 'first_to_second_meeting', 'first_meeting', 'second_meeting'),
            (3, 'second_meeting_to_offer', 'second_meeting', 'offer_sent'),
            (4, 'offer_to_contract', 'offer_sent', 'contract_sent'),
            (5, 'contract_to_order', 'contract_sent', 'order_won'),
            (6, 'lead_to_order', 'lead', 'order_won')
    ) as steps (step_order, funnel_step, from_stage, to_stage)
),

final as (
    select
        from_reached.lead_id,
        funnel_steps.funnel_step,
        funnel_steps.step_order,
        'conv_' || funnel_steps.funnel_step as kpi_code,
        funnel_steps.from_stage,
        funnel_steps.to_stage,
        from_reached.reached_at as from_reached_at,
        from_reached.reached_month as from_reached_month,
        to_reached.reached_at as to_reached_at,
        to_reached.is_reached as is_converted
    from funnel_steps
    inner join stages_reached as from_reached
        on funnel_steps.from_stage = from_reached.funnel_stage
    inner join stages_reached as to_reached
        on funnel_steps.to_stage = to_reached.funnel_stage
        and from_reached.lead_id = to_reached.lead_id
    where from_reached.is_reached
)

select * from final
