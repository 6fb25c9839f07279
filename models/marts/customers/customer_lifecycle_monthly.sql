{{ gate_dependency() }}
-- where each customer stands at the end of every month: active, new, churned, activated for
-- the first time or again (kpis.md, Customer states); one row per account and month from the
-- first month the account was active (prospects that never were are left out)
with

account_months as (
    select * from {{ ref('int_accounts_monthly') }}
),

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

final as (
    select
        account_months.period_month,
        account_months.account_id,
        accounts.account_name,
        account_months.segment,
        account_months.owner_rep_id,
        account_months.lifecycle_state,
        account_months.was_active_at_previous_month_end,
        account_months.is_active_at_month_end,
        account_months.is_new_customer,
        account_months.is_activated,
        account_months.is_first_activation,
        account_months.is_reactivation,
        account_months.is_churned,
        account_months.first_order_on,
        account_months.first_active_on,
        account_months.month_end_on,
        account_months.is_month_closed as is_mature
    from account_months
    left join accounts
        on account_months.account_id = accounts.account_id
    where account_months.lifecycle_state <> 'prospect'
)

select * from final
