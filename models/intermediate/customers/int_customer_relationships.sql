-- one customer relationship per account with a (non-cancelled) order (kpis.md section 7): it
-- starts at the first order and ends at the first churn, the first day after the start on
-- which the account is not active (orders and contracts count). Only that first churn ends
-- it; a later comeback is not a second relationship. Accounts with contracts only have none.
with

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

spans as (
    select * from {{ ref('int_accounts_active_spans') }}
),

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

first_orders as (
    select
        account_id,
        min(ordered_on) as started_on
    from orders
    where not is_cancelled
    group by account_id
),

-- the first order always lies inside a span; the day after that span is the first churn
relationship_ends as (
    select
        first_orders.account_id,
        first_orders.started_on,
        case
            when spans.active_to is not null
                then cast({{ dbt.dateadd('day', 1, 'spans.active_to') }} as date)
        end as first_inactive_on
    from first_orders
    inner join spans
        on first_orders.account_id = spans.account_id
        and first_orders.started_on >= spans.active_from
        and (spans.active_to is null or first_orders.started_on <= spans.active_to)
),

final as (
    select
        relationship_ends.account_id,
        accounts.segment,
        relationship_ends.started_on,
        -- a churn after as_of has not happened yet: the relationship is still running
        case
            when relationship_ends.first_inactive_on <= as_of.as_of_date
                then relationship_ends.first_inactive_on
        end as ended_on,
        coalesce(relationship_ends.first_inactive_on <= as_of.as_of_date, false) as has_ended
    from relationship_ends
    cross join as_of
    left join accounts
        on relationship_ends.account_id = accounts.account_id
)

select * from final
