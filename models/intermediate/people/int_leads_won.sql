-- when each lead reached order_won, by as_of: the earliest of its order_won stage events and
-- of the orders placed with its lead_id (cancelled or not: kpis.md section 1 counts such an
-- order as an order_won event). order_won is the last funnel stage, so no later stage can
-- pass it. Leads not won by as_of have no row.
with

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

stage_events as (
    select * from {{ ref('stg_crm__lead_stage_events') }}
),

orders as (
    select * from {{ ref('stg_crm__orders') }}
),

won_events as (
    select
        lead_id,
        cast(entered_at as date) as won_on
    from stage_events
    where funnel_stage = 'order_won'
    union all
    select
        lead_id,
        cast(ordered_at as date) as won_on
    from orders
    where lead_id is not null
),

final as (
    select
        won_events.lead_id,
        min(won_events.won_on) as won_on
    from won_events
    cross join as_of
    where won_events.won_on <= as_of.as_of_date
    group by won_events.lead_id
)

select * from final
