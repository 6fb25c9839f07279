-- every order (cancelled or not, as in kpis.md sections 2 and 3) with its rep and whether,
-- by as_of, it was cancelled for reason `oversold` or drew a complaint of category `advice`:
-- the two order-level signs of poor advice (kpis.md section 12, Beratungsqualität)
with

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

orders as (
    select * from {{ ref('stg_crm__orders') }}
),

reps as (
    select * from {{ ref('stg_crm__reps') }}
),

cancellations as (
    select * from {{ ref('stg_crm__cancellations') }}
),

complaints as (
    select * from {{ ref('stg_crm__complaints') }}
),

oversold_orders as (
    select distinct
        cancellations.order_id
    from cancellations
    cross join as_of
    where cancellations.reason = 'oversold'
        and cast(cancellations.cancelled_at as date) <= as_of.as_of_date
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
        cast(orders.ordered_at as date) as ordered_on,
        cast({{ dbt.date_trunc('month', 'cast(orders.ordered_at as date)') }} as date) as order_month,
        oversold_orders.order_id is not null as is_cancelled_oversold,
        advice_complaint_orders.order_id is not null as has_advice_complaint
    from orders
    cross join as_of
    left join reps
        on orders.rep_id = reps.rep_id
    left join oversold_orders
        on orders.order_id = oversold_orders.order_id
    left join advice_complaint_orders
        on orders.order_id = advice_complaint_orders.order_id
    where cast(orders.ordered_at as date) <= as_of.as_of_date
)

select * from final
