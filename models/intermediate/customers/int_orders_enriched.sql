-- every order placed on or before as_of (UTC date), with its account's segment and owner and
-- its cancellation judged at as_of; sections 2-3 read all of them, every other KPI only the
-- ones not cancelled (kpis.md, Conventions: Orders)
with

orders as (
    select * from {{ ref('stg_crm__orders') }}
),

cancellations as (
    select * from {{ ref('stg_crm__cancellations') }}
),

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

-- events after as_of are not counted anywhere: neither orders nor cancellations
orders_by_as_of as (
    select
        orders.order_id,
        orders.account_id,
        orders.rep_id,
        cast(orders.ordered_at as date) as ordered_on,
        orders.net_amount,
        as_of.as_of_date
    from orders
    cross join as_of
    where cast(orders.ordered_at as date) <= as_of.as_of_date
),

cancellations_by_as_of as (
    select
        cancellations.order_id,
        cast(cancellations.cancelled_at as date) as cancelled_on,
        cancellations.reason
    from cancellations
    cross join as_of
    where cast(cancellations.cancelled_at as date) <= as_of.as_of_date
),

final as (
    select
        orders_by_as_of.order_id,
        orders_by_as_of.account_id,
        orders_by_as_of.rep_id,
        accounts.owner_rep_id as account_owner_rep_id,
        accounts.segment,
        orders_by_as_of.ordered_on,
        cast({{ dbt.date_trunc('month', 'orders_by_as_of.ordered_on') }} as date) as order_month,
        orders_by_as_of.net_amount,
        cancellations_by_as_of.order_id is not null as is_cancelled,
        cancellations_by_as_of.cancelled_on,
        cancellations_by_as_of.reason as cancellation_reason
    from orders_by_as_of
    left join accounts
        on orders_by_as_of.account_id = accounts.account_id
    left join cancellations_by_as_of
        on orders_by_as_of.order_id = cancellations_by_as_of.order_id
)

select * from final
