-- every account in every reporting month: active at the end of M and of M-1, new, churned,
-- activated (first time or again) (kpis.md, Customer states). "Active at the end of M-1" of
-- the first reporting month looks at the spans before the reporting period too.
with

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

months as (
    select * from {{ ref('int_calendar_months') }}
),

spans as (
    select * from {{ ref('int_accounts_active_spans') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

first_orders as (
    select
        account_id,
        min(ordered_on) as first_order_on
    from orders
    where not is_cancelled
    group by account_id
),

first_active_days as (
    select
        account_id,
        min(active_from) as first_active_on
    from spans
    group by account_id
),

account_months as (
    select
        accounts.account_id,
        accounts.segment,
        accounts.owner_rep_id,
        months.period_month,
        months.month_end_on,
        -- M-1 always ended before as_of: its end is its last day
        cast({{ dbt.dateadd('day', -1, 'months.period_month') }} as date) as previous_month_end_on,
        months.is_month_closed
    from accounts
    cross join months
),

active_at_month_end as (
    select distinct
        account_months.account_id,
        account_months.period_month
    from account_months
    inner join spans
        on account_months.account_id = spans.account_id
        and account_months.month_end_on >= spans.active_from
        and (spans.active_to is null or account_months.month_end_on <= spans.active_to)
),

active_at_previous_month_end as (
    select distinct
        account_months.account_id,
        account_months.period_month
    from account_months
    inner join spans
        on account_months.account_id = spans.account_id
        and account_months.previous_month_end_on >= spans.active_from
        and (spans.active_to is null or account_months.previous_month_end_on <= spans.active_to)
),

states as (
    select
        account_months.account_id,
        account_months.period_month,
        account_months.month_end_on,
        account_months.previous_month_end_on,
        account_months.segment,
        account_months.owner_rep_id,
        account_months.is_month_closed,
        first_orders.first_order_on,
        first_active_days.first_active_on,
        active_at_previous_month_end.account_id is not null as was_active_at_previous_month_end,
        active_at_month_end.account_id is not null as is_active_at_month_end,
        coalesce(
            cast({{ dbt.date_trunc('month', 'first_orders.first_order_on') }} as date)
                = account_months.period_month,
            false
        ) as is_new_customer
    from account_months
    left join active_at_month_end
        on account_months.account_id = active_at_month_end.account_id
        and account_months.period_month = active_at_month_end.period_month
    left join active_at_previous_month_end
        on account_months.account_id = active_at_previous_month_end.account_id
        and account_months.period_month = active_at_previous_month_end.period_month
    left join first_orders
        on account_months.account_id = first_orders.account_id
    left join first_active_days
        on account_months.account_id = first_active_days.account_id
),

final as (
    select
        account_id,
        period_month,
        month_end_on,
        previous_month_end_on,
        segment,
        owner_rep_id,
        first_order_on,
        first_active_on,
        was_active_at_previous_month_end,
        is_active_at_month_end,
        is_new_customer,
        was_active_at_previous_month_end and not is_active_at_month_end as is_churned,
        is_active_at_month_end and not was_active_at_previous_month_end as is_activated,
        -- first time: never active on any day up to the end of M-1
        is_active_at_month_end and not was_active_at_previous_month_end
            and first_active_on > previous_month_end_on as is_first_activation,
        is_active_at_month_end and not was_active_at_previous_month_end
            and first_active_on <= previous_month_end_on as is_reactivation,
        case
            when is_active_at_month_end and not was_active_at_previous_month_end
                and first_active_on > previous_month_end_on then 'activated'
            when is_active_at_month_end and not was_active_at_previous_month_end then 'reactivated'
            when is_active_at_month_end then 'retained'
            when was_active_at_previous_month_end then 'churned'
            when first_active_on <= month_end_on then 'lapsed'
            else 'prospect'
        end as lifecycle_state,
        is_month_closed
    from states
)

select * from final
