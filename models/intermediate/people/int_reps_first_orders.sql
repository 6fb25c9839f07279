-- each rep with hired_on, team and the UTC date of the first order credited to them
-- (orders.rep_id) by as_of. Only non-cancelled orders count (kpis.md, Conventions: outside
-- sections 2 and 3 an order is a non-cancelled one, judged at as_of); a rep without such an
-- order has a null first_order_on.
with

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

reps as (
    select * from {{ ref('stg_crm__reps') }}
),

orders as (
    select * from {{ ref('stg_crm__orders') }}
),

cancellations as (
    select * from {{ ref('stg_crm__cancellations') }}
),

-- cancelled at as_of: a cancellation dated on or before as_of
cancelled_orders as (
    select distinct
        cancellations.order_id
    from cancellations
    cross join as_of
    where cast(cancellations.cancelled_at as date) <= as_of.as_of_date
),

kept_orders as (
    select
        orders.rep_id,
        cast(orders.ordered_at as date) as ordered_on
    from orders
    cross join as_of
    left join cancelled_orders
        on orders.order_id = cancelled_orders.order_id
    where cast(orders.ordered_at as date) <= as_of.as_of_date
        and cancelled_orders.order_id is null
),

first_orders as (
    select
        rep_id,
        min(ordered_on) as first_order_on
    from kept_orders
    group by rep_id
),

final as (
    select
        reps.rep_id,
        reps.team,
        reps.hired_on,
        reps.left_on,
        first_orders.first_order_on
    from reps
    left join first_orders
        on reps.rep_id = first_orders.rep_id
)

select * from final
