-- customer loyalty and care KPIs of kpis.md sections 4, 5, 6, 8 and 9 (referral_lead_conversion
-- is the funnel's). An order here is a non-cancelled one, judged at as_of; "rep" is the
-- account's owner_rep_id (accounts without owner are in no rep slice); segment is the
-- account's. Without the activities (referrals, feedback) table in the export the KPIs that
-- need it have no rows.
{%- set kpi_parts = ['repeat_purchase_kpis', 'customer_state_kpis', 'new_customer_revenue_kpis'] %}
{%- if export_has_table('activities') %}{% do kpi_parts.append('contact_kpis') %}{% endif %}
{%- if export_has_table('referrals') %}{% do kpi_parts.append('referral_kpis') %}{% endif %}
{%- if export_has_table('feedback') %}{% do kpi_parts.append('feedback_kpis') %}{% endif %}
{%- set company = ['company', none] %}
{%- set segment = ['segment', 'segment'] %}
{%- set rep = ['rep', 'owner_rep_id'] %}
with

months as (
    select * from {{ ref('int_calendar_months') }}
),

account_months as (
    select * from {{ ref('int_accounts_monthly') }}
),

all_orders as (
    select * from {{ ref('int_orders_enriched') }}
),

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

activities as (
    select * from {{ ref('stg_crm__activities') }}
),

referrals as (
    select * from {{ ref('stg_crm__referrals') }}
),

feedback as (
    select * from {{ ref('stg_crm__feedback') }}
),

orders as (
    select * from all_orders
    where not is_cancelled
),

-- 4 repeat purchase: orders per account in the calendar months M-11 ... M
window_orders as (
    select
        months.period_month,
        months.is_month_closed,
        orders.account_id,
        orders.segment,
        count(*) as orders_in_window
    from months
    inner join orders
        on orders.ordered_on >= cast({{ dbt.dateadd('month', -11, 'months.period_month') }} as date)
        and orders.ordered_on <= months.month_end_on
    group by months.period_month, months.is_month_closed, orders.account_id, orders.segment
),

sliced_window_orders as (
    {{ slice_rows('window_orders', [company, segment]) }}
),

repeat_purchase_kpis as (
    select
        {{ kpi_row("'repeat_purchase_rate_12m'", 'period_month', 'slice_type', 'slice_value',
            'sum(case when orders_in_window >= 2 then 1 else 0 end)', 'count(*)',
            safe_divide('sum(case when orders_in_window >= 2 then 1 else 0 end)', 'count(*)'),
            'is_month_closed') }}
    from sliced_window_orders
    group by period_month, slice_type, slice_value, is_month_closed
),

-- 5 churn and 8 new to existing: both divide by the accounts active at the end of M-1
sliced_account_months as (
    {{ slice_rows('account_months', [company, segment, rep]) }}
),

state_counts as (
    select
        period_month,
        is_month_closed,
        slice_type,
        slice_value,
        sum(case when was_active_at_previous_month_end then 1 else 0 end) as active_before,
        sum(case when is_churned then 1 else 0 end) as churned,
        sum(case when is_new_customer then 1 else 0 end) as new_customers
    from sliced_account_months
    group by period_month, is_month_closed, slice_type, slice_value
),

customer_state_kpis as (
    select
        {{ kpi_row("'churn_rate'", 'period_month', 'slice_type', 'slice_value',
            'churned', 'active_before', safe_divide('churned', 'active_before'),
            'is_month_closed') }}
    from state_counts
    where active_before > 0

    union all

    select
        {{ kpi_row("'new_to_existing_ratio'", 'period_month', 'slice_type', 'slice_value',
            'new_customers', 'active_before', safe_divide('new_customers', 'active_before'),
            'is_month_closed') }}
    from state_counts
    where active_before > 0
),

-- 8 revenue share: M's orders, flagged when placed by one of M's new customers
month_orders as (
    select
        months.period_month,
        months.is_month_closed,
        orders.segment,
        orders.account_owner_rep_id as owner_rep_id,
        orders.net_amount,
        coalesce(account_months.is_new_customer, false) as is_by_new_customer
    from orders
    inner join months
        on orders.order_month = months.period_month
    left join account_months
        on orders.account_id = account_months.account_id
        and orders.order_month = account_months.period_month
),

sliced_month_orders as (
    {{ slice_rows('month_orders', [company, segment, rep]) }}
),

new_customer_revenue_kpis as (
    select
        {{ kpi_row("'new_customer_revenue_share'", 'period_month', 'slice_type', 'slice_value',
            'sum(case when is_by_new_customer then net_amount else 0 end)', 'sum(net_amount)',
            safe_divide('sum(case when is_by_new_customer then net_amount else 0 end)',
                'sum(net_amount)'),
            'is_month_closed') }}
    from sliced_month_orders
    group by period_month, slice_type, slice_value, is_month_closed
),

-- 6 and 9 are about the accounts active at the end of M
active_account_months as (
    select * from account_months
    where is_active_at_month_end
),

activities_dated as (
    select
        account_id,
        activity_type,
        cast(occurred_at as date) as occurred_on
    from activities
),

-- 6 contacts: M's activities with an account active in M
active_account_activities as (
    select
        active_account_months.account_id,
        active_account_months.period_month,
        activities_dated.activity_type
    from active_account_months
    inner join activities_dated
        on active_account_months.account_id = activities_dated.account_id
        and activities_dated.occurred_on >= active_account_months.period_month
        and activities_dated.occurred_on <= active_account_months.month_end_on
),

activities_per_account as (
    select
        account_id,
        period_month,
        count(*) as activities,
        sum(case when activity_type in ('visit', 'event') then 1 else 0 end)
            as personal_activities
    from active_account_activities
    group by account_id, period_month
),

-- the 90 days ending with M: end of M - 89 ... end of M
contacted_90d as (
    select distinct
        active_account_months.account_id,
        active_account_months.period_month
    from active_account_months
    inner join activities_dated
        on active_account_months.account_id = activities_dated.account_id
        and activities_dated.occurred_on
            >= cast({{ dbt.dateadd('day', -89, 'active_account_months.month_end_on') }} as date)
        and activities_dated.occurred_on <= active_account_months.month_end_on
),

active_account_contacts as (
    select
        active_account_months.period_month,
        active_account_months.is_month_closed,
        active_account_months.segment,
        active_account_months.owner_rep_id,
        coalesce(activities_per_account.activities, 0) as activities,
        coalesce(activities_per_account.personal_activities, 0) as personal_activities,
        contacted_90d.account_id is null as is_without_contact_90d
    from active_account_months
    left join activities_per_account
        on active_account_months.account_id = activities_per_account.account_id
        and active_account_months.period_month = activities_per_account.period_month
    left join contacted_90d
        on active_account_months.account_id = contacted_90d.account_id
        and active_account_months.period_month = contacted_90d.period_month
),

sliced_active_account_contacts as (
    {{ slice_rows('active_account_contacts', [company, rep, segment]) }}
),

contact_totals as (
    select
        period_month,
        is_month_closed,
        slice_type,
        slice_value,
        count(*) as active_accounts,
        sum(activities) as activities,
        sum(personal_activities) as personal_activities,
        sum(case when is_without_contact_90d then 1 else 0 end) as accounts_without_contact_90d
    from sliced_active_account_contacts
    group by period_month, is_month_closed, slice_type, slice_value
),

activity_type_counts as (
    select
        period_month,
        activity_type,
        count(*) as activities
    from active_account_activities
    group by period_month, activity_type
),

contact_kpis as (
    select
        {{ kpi_row("'contacts_per_active_customer'", 'period_month', 'slice_type',
            'slice_value', 'activities', 'active_accounts',
            safe_divide('activities', 'active_accounts'), 'is_month_closed') }}
    from contact_totals

    union all

    -- breakdown: one type's activities over all active accounts, where there were any
    select
        {{ kpi_row("'contacts_per_active_customer'", 'contact_totals.period_month',
            "'activity_type'", 'activity_type_counts.activity_type',
            'activity_type_counts.activities', 'contact_totals.active_accounts',
            safe_divide('activity_type_counts.activities', 'contact_totals.active_accounts'),
            'contact_totals.is_month_closed') }}
    from activity_type_counts
    inner join contact_totals
        on activity_type_counts.period_month = contact_totals.period_month
        and contact_totals.slice_type = 'company'

    union all

    select
        {{ kpi_row("'personal_contact_share'", 'period_month', 'slice_type', 'slice_value',
            'personal_activities', 'activities',
            safe_divide('personal_activities', 'activities'), 'is_month_closed') }}
    from contact_totals
    where activities > 0

    union all

    select
        {{ kpi_row("'customers_without_contact_90d'", 'period_month', 'slice_type',
            'slice_value', 'accounts_without_contact_90d', 'active_accounts',
            safe_divide('accounts_without_contact_90d', 'active_accounts'),
            'is_month_closed') }}
    from contact_totals
),

-- 9 referrals: active accounts that referred someone in the calendar months M-11 ... M
referred_12m as (
    select distinct
        active_account_months.account_id,
        active_account_months.period_month
    from active_account_months
    inner join referrals
        on active_account_months.account_id = referrals.referring_account_id
        and cast(referrals.referred_at as date)
            >= cast({{ dbt.dateadd('month', -11, 'active_account_months.period_month') }} as date)
        and cast(referrals.referred_at as date) <= active_account_months.month_end_on
),

active_account_referrals as (
    select
        active_account_months.period_month,
        active_account_months.is_month_closed,
        active_account_months.segment,
        referred_12m.account_id is not null as has_referred_12m
    from active_account_months
    left join referred_12m
        on active_account_months.account_id = referred_12m.account_id
        and active_account_months.period_month = referred_12m.period_month
),

sliced_active_account_referrals as (
    {{ slice_rows('active_account_referrals', [company, segment]) }}
),

referral_kpis as (
    select
        {{ kpi_row("'referral_rate_12m'", 'period_month', 'slice_type', 'slice_value',
            'sum(case when has_referred_12m then 1 else 0 end)', 'count(*)',
            safe_divide('sum(case when has_referred_12m then 1 else 0 end)', 'count(*)'),
            'is_month_closed') }}
    from sliced_active_account_referrals
    group by period_month, slice_type, slice_value, is_month_closed
),

-- 9 feedback submitted in M (up to as_of in the month of as_of)
month_feedback as (
    select
        months.period_month,
        months.is_month_closed,
        accounts.segment,
        feedback.channel,
        feedback.nps_score
    from feedback
    inner join months
        on cast(feedback.submitted_at as date) >= months.period_month
        and cast(feedback.submitted_at as date) <= months.month_end_on
    left join accounts
        on feedback.account_id = accounts.account_id
),

-- nps: only nps_survey feedback with a score; promoters 9-10, detractors 0-6
nps_responses as (
    select * from month_feedback
    where channel = 'nps_survey' and nps_score is not null
),

sliced_nps_responses as (
    {{ slice_rows('nps_responses', [company, segment]) }}
),

nps_counts as (
    select
        period_month,
        is_month_closed,
        slice_type,
        slice_value,
        sum(case when nps_score >= 9 then 1 when nps_score <= 6 then -1 else 0 end)
            as promoters_minus_detractors,
        count(*) as responses
    from sliced_nps_responses
    group by period_month, is_month_closed, slice_type, slice_value
),

sliced_month_feedback as (
    {{ slice_rows('month_feedback', [segment, ['feedback_channel', 'channel']]) }}
),

feedback_counts as (
    -- the company count is there every month (a month without feedback is a real 0)
    select
        months.period_month,
        months.is_month_closed,
        'company' as slice_type,
        'all' as slice_value,
        count(month_feedback.period_month) as feedback_count
    from months
    left join month_feedback
        on months.period_month = month_feedback.period_month
    group by months.period_month, months.is_month_closed

    union all

    select
        period_month,
        is_month_closed,
        slice_type,
        slice_value,
        count(*) as feedback_count
    from sliced_month_feedback
    group by period_month, is_month_closed, slice_type, slice_value
),

feedback_kpis as (
    select
        {{ kpi_row("'nps'", 'period_month', 'slice_type', 'slice_value',
            'promoters_minus_detractors', 'responses',
            safe_divide('100 * promoters_minus_detractors', 'responses'),
            'is_month_closed') }}
    from nps_counts

    union all

    -- a count: numerator and denominator stay empty
    select
        {{ kpi_row("'feedback_count'", 'period_month', 'slice_type', 'slice_value',
            'null', 'null', 'feedback_count', 'is_month_closed') }}
    from feedback_counts
),

-- only the KPIs whose optional tables are in the export
final as (
    {{ union_kpi_parts(kpi_parts) }}
)

select * from final
