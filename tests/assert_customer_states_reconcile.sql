-- the customer-state table reconciles month by month (kpis.md, Customer states): the accounts
-- active at the end of M are those active at the end of M-1, plus the activated, minus the
-- churned; the activated are the first-time plus the reactivated; M's "active at the end of
-- M-1" is M-1's "active at the end of M"; and a new customer (first order in M) is active at
-- the end of M, but counts as activated only if it was not active before (a contract may
-- have kept it active). Returns the months that break a rule.
with

months as (
    select * from {{ ref('int_calendar_months') }}
),

states as (
    select * from {{ ref('customer_lifecycle_monthly') }}
),

monthly as (
    select
        months.period_month,
        count(states.account_id) as account_rows,
        coalesce(sum(case when states.was_active_at_previous_month_end then 1 else 0 end), 0)
            as active_before,
        coalesce(sum(case when states.is_active_at_month_end then 1 else 0 end), 0) as active,
        coalesce(sum(case when states.is_activated then 1 else 0 end), 0) as activated,
        coalesce(sum(case when states.is_first_activation then 1 else 0 end), 0)
            as first_activations,
        coalesce(sum(case when states.is_reactivation then 1 else 0 end), 0) as reactivations,
        coalesce(sum(case when states.is_churned then 1 else 0 end), 0) as churned,
        coalesce(sum(case when states.is_new_customer and not states.is_active_at_month_end
            then 1 else 0 end), 0) as inactive_new_customers,
        coalesce(sum(case when states.is_new_customer
            and states.is_activated <> not states.was_active_at_previous_month_end
            then 1 else 0 end), 0) as misclassified_new_customers
    from months
    left join states
        on months.period_month = states.period_month
    group by months.period_month
),

checked as (
    select
        *,
        lag(active) over (order by period_month) as active_at_end_of_previous_row
    from monthly
)

select * from checked
where active <> active_before + activated - churned
    or activated <> first_activations + reactivations
    or active_before <> coalesce(active_at_end_of_previous_row, active_before)
    or inactive_new_customers > 0
    or misclassified_new_customers > 0
