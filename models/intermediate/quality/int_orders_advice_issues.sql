-- every order (cancelled or not, as in kpis.md sections 2 and 3) with its rep and whether,
-- by as_of, it was cancelled for reason `oversold` or drew a complaint of category `advice`:
-- the two order-level signs of poor advice (kpis.md section 12, Beratungsqualität). Orders
-- and their cancellations are judged at as_of by int_orders_enriched.
with

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

reps as (
    select * from {{ ref('stg_crm__reps') }}
),

complaints as (
    select * from {{ ref('stg_crm__complaints') }}
),

advice_complaint_orders as (
    select distinct
        complaints.order_id
    from complaints
    cross join as_of
    where complaints.category = 'advice'
        and cast(complaints.opened_at as date) <= as_of.as_of_date
),

final as (
    select
        orders.order_id,
        orders.rep_id,
        reps.team,
        orders.ordered_on,
        orders.order_month,
        -- cancellation_reason is empty unless the order was cancelled by as_of
        coalesce(orders.cancellation_reason = 'oversold', false) as is_cancelled_oversold,
        advice_complaint_orders.order_id is not null as has_advice_complaint
    from orders
    left join reps
        on orders.rep_id = reps.rep_id
    left join advice_complaint_orders
        on orders.order_id = advice_complaint_orders.order_id
)

select * from final
