-- each rep with hired_on, team and the UTC date of the first order credited to them
-- (orders.rep_id) by as_of. Only non-cancelled orders count (kpis.md, Conventions: outside
-- sections 2 and 3 an order is a non-cancelled one, judged at as_of, as int_orders_enriched
-- does); a rep without such an order has a null first_order_on.
with

reps as (
    select * from {{ ref('stg_crm__reps') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

first_orders as (
    select
        rep_id,
        min(ordered_on) as first_order_on
    from orders
    where not is_cancelled
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
