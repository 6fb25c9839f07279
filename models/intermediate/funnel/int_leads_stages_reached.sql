-- one row per lead and funnel stage: when the lead reached it by as_of (kpis.md section 1).
-- A lead reached stage s at the earliest entered_at of s or of any later stage, so a skipped
-- stage counts as passed when a later one was entered; an order carrying the lead_id
-- (cancelled or not) is an order_won event; `lost` events are ignored, so a reopened lead
-- still reaches its later stages.
with

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

stage_events as (
    select * from {{ ref('stg_crm__lead_stage_events') }}
),

orders as (
    select * from {{ ref('stg_crm__orders') }}
),

reps as (
    select * from {{ ref('stg_crm__reps') }}
),

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

funnel_stages as (
    select * from (
        values
            (1, 'lead'),
            (2, 'first_meeting'),
            (3, 'second_meeting'),
            (4, 'offer_sent'),
            (5, 'contract_sent'),
            (6, 'order_won')
    ) as stages (stage_order, funnel_stage)
),

-- a lead exists in the funnel from its created_at on; leads created after as_of do not yet
leads_by_as_of as (
    select
        leads.lead_id,
        leads.account_id,
        leads.owner_rep_id,
        leads.lead_source,
        leads.created_at
    from leads
    cross join as_of
    where cast(leads.created_at as date) <= as_of.as_of_date
),

-- every stage entry of a lead up to as_of: the CRM's stage events and its orders
stage_entries as (
    select
        stage_events.lead_id,
        stage_events.funnel_stage,
        stage_events.entered_at
    from stage_events
    cross join as_of
    where stage_events.funnel_stage <> 'lost'
        and cast(stage_events.entered_at as date) <= as_of.as_of_date

    union all

    -- an order "counts as an order_won event at its ordered_at", cancelled or not
    select
        orders.lead_id,
        'order_won' as funnel_stage,
        orders.ordered_at as entered_at
    from orders
    cross join as_of
    where orders.lead_id is not null
        and cast(orders.ordered_at as date) <= as_of.as_of_date
),

-- the earliest entry of each stage a lead entered
first_entries as (
    select
        stage_entries.lead_id,
        funnel_stages.stage_order,
        min(stage_entries.entered_at) as first_entered_at
    from stage_entries
    inner join funnel_stages
        on stage_entries.funnel_stage = funnel_stages.funnel_stage
    group by stage_entries.lead_id, funnel_stages.stage_order
),

lead_stages as (
    select
        leads_by_as_of.lead_id,
        funnel_stages.stage_order,
        funnel_stages.funnel_stage
    from leads_by_as_of
    cross join funnel_stages
),

-- reached s = the earliest entry of s or of any later stage; `lead` is reached at created_at
reached as (
    select
        lead_stages.lead_id,
        lead_stages.stage_order,
        lead_stages.funnel_stage,
        case
            when lead_stages.funnel_stage = 'lead' then leads_by_as_of.created_at
            else min(first_entries.first_entered_at)
        end as reached_at
    from lead_stages
    inner join leads_by_as_of
        on lead_stages.lead_id = leads_by_as_of.lead_id
    left join first_entries
        on lead_stages.lead_id = first_entries.lead_id
        and first_entries.stage_order >= lead_stages.stage_order
    group by
        lead_stages.lead_id,
        lead_stages.stage_order,
        lead_stages.funnel_stage,
        leads_by_as_of.created_at
),

final as (
    select
        reached.lead_id,
        reached.funnel_stage,
        reached.stage_order,
        reached.reached_at is not null as is_reached,
        reached.reached_at,
        cast(reached.reached_at as date) as reached_on,
        cast({{ dbt.date_trunc('month', 'cast(reached.reached_at as date)') }} as date) as reached_month,
        leads_by_as_of.created_at as lead_created_at,
        cast({{ dbt.date_trunc('month', 'cast(leads_by_as_of.created_at as date)') }} as date)
            as lead_created_month,
        leads_by_as_of.account_id,
        leads_by_as_of.owner_rep_id,
        reps.team,
        accounts.segment,
        leads_by_as_of.lead_source
    from reached
    inner join leads_by_as_of
        on reached.lead_id = leads_by_as_of.lead_id
    left join reps
        on leads_by_as_of.owner_rep_id = reps.rep_id
    left join accounts
        on leads_by_as_of.account_id = accounts.account_id
)

select * from final
