-- order quality KPIs of kpis.md sections 2 and 3, slices company, rep (the order's rep_id)
-- and segment, plus the breakdowns cancellation_reason and complaint_category. "Orders placed
-- in M" are all of them, cancelled or not; a cancellation or complaint counts when its UTC
-- date is on or before as_of. Without the cancellations (complaints) table in the export the
-- cancellation (complaint and warranty) KPIs have no rows.
{%- set kpi_parts = [] %}
{%- if export_has_table('cancellations') %}{% do kpi_parts.append('cancellation_kpis') %}{% endif %}
{%- if export_has_table('complaints') %}{% do kpi_parts.append('complaint_kpis') %}{% endif %}
{%- set slices = [['company', none], ['rep', 'rep_id'], ['segment', 'segment']] %}
with

months as (
    select * from {{ ref('int_calendar_months') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

complaints as (
    select * from {{ ref('stg_crm__complaints') }}
),

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

orders_in_months as (
    select
        orders.*,
        months.period_month,
        months.is_month_closed
    from orders
    inner join months
        on orders.order_month = months.period_month
),

complaints_by_as_of as (
    select
        complaints.complaint_id,
        complaints.order_id,
        complaints.category,
        complaints.is_warranty_claim,
        cast(complaints.opened_at as date) as opened_on
    from complaints
    cross join as_of
    where cast(complaints.opened_at as date) <= as_of.as_of_date
),

order_complaints as (
    select
        order_id,
        count(*) as complaints
    from complaints_by_as_of
    group by order_id
),

order_complaint_categories as (
    select distinct
        order_id,
        category
    from complaints_by_as_of
),

orders_flagged as (
    select
        orders_in_months.*,
        order_complaints.order_id is not null as has_complaint
    from orders_in_months
    left join order_complaints
        on orders_in_months.order_id = order_complaints.order_id
),

sliced_orders as (
    {{ slice_rows('orders_flagged', slices) }}
),

order_totals as (
    select
        period_month,
        is_month_closed,
        slice_type,
        slice_value,
        count(*) as orders_placed,
        sum(net_amount) as ordered_net_amount,
        sum(case when is_cancelled then 1 else 0 end) as orders_cancelled,
        sum(case when is_cancelled then net_amount else 0 end) as cancelled_net_amount,
        sum(case when has_complaint then 1 else 0 end) as orders_with_complaint
    from sliced_orders
    group by period_month, is_month_closed, slice_type, slice_value
),

company_totals as (
    select * from order_totals
    where slice_type = 'company'
),

-- breakdowns: the numerator of one reason / category over all orders placed in M
reason_numerators as (
    select
        period_month,
        cancellation_reason as slice_value,
        count(*) as orders_cancelled,
        sum(net_amount) as cancelled_net_amount
    from orders_in_months
    where is_cancelled
    group by period_month, cancellation_reason
),

category_numerators as (
    select
        orders_in_months.period_month,
        order_complaint_categories.category as slice_value,
        count(*) as orders_with_complaint
    from orders_in_months
    inner join order_complaint_categories
        on orders_in_months.order_id = order_complaint_categories.order_id
    group by orders_in_months.period_month, order_complaint_categories.category
),

-- warranty claims count in the month they were opened, sliced by their order
warranty_claims as (
    select
        months.period_month,
        orders.rep_id,
        orders.segment
    from complaints_by_as_of
    inner join months
        on complaints_by_as_of.opened_on between months.period_month and months.month_end_on
    left join orders
        on complaints_by_as_of.order_id = orders.order_id
    where complaints_by_as_of.is_warranty_claim
),

sliced_warranty_claims as (
    {{ slice_rows('warranty_claims', slices) }}
),

warranty_sliced_counts as (
    select
        period_month,
        slice_type,
        slice_value,
        count(*) as warranty_cases
    from sliced_warranty_claims
    group by period_month, slice_type, slice_value
),

-- the company row is there every month (a month without claims is a real 0); rep and
-- segment rows only where there were claims
warranty_counts as (
    select
        months.period_month,
        months.is_month_closed,
        'company' as slice_type,
        'all' as slice_value,
        coalesce(warranty_sliced_counts.warranty_cases, 0) as warranty_cases
    from months
    left join warranty_sliced_counts
        on months.period_month = warranty_sliced_counts.period_month
        and warranty_sliced_counts.slice_type = 'company'

    union all

    select
        warranty_sliced_counts.period_month,
        months.is_month_closed,
        warranty_sliced_counts.slice_type,
        warranty_sliced_counts.slice_value,
        warranty_sliced_counts.warranty_cases
    from warranty_sliced_counts
    inner join months
        on warranty_sliced_counts.period_month = months.period_month
    where warranty_sliced_counts.slice_type <> 'company'
),

cancellation_kpis as (
    select
        {{ kpi_row("'cancellation_rate'", 'period_month', 'slice_type', 'slice_value',
            'orders_cancelled', 'orders_placed',
            safe_divide('orders_cancelled', 'orders_placed'), 'is_month_closed') }}
    from order_totals

    union all

    select
        {{ kpi_row("'cancellation_rate_value'", 'period_month', 'slice_type', 'slice_value',
            'cancelled_net_amount', 'ordered_net_amount',
            safe_divide('cancelled_net_amount', 'ordered_net_amount'), 'is_month_closed') }}
    from order_totals

    union all

    select
        {{ kpi_row("'cancellation_rate'", 'company_totals.period_month', "'cancellation_reason'",
            'reason_numerators.slice_value', 'reason_numerators.orders_cancelled',
            'company_totals.orders_placed',
            safe_divide('reason_numerators.orders_cancelled', 'company_totals.orders_placed'),
            'company_totals.is_month_closed') }}
    from reason_numerators
    inner join company_totals
        on reason_numerators.period_month = company_totals.period_month

    union all

    select
        {{ kpi_row("'cancellation_rate_value'", 'company_totals.period_month',
            "'cancellation_reason'", 'reason_numerators.slice_value',
            'reason_numerators.cancelled_net_amount', 'company_totals.ordered_net_amount',
            safe_divide('reason_numerators.cancelled_net_amount',
                'company_totals.ordered_net_amount'),
            'company_totals.is_month_closed') }}
    from reason_numerators
    inner join company_totals
        on reason_numerators.period_month = company_totals.period_month
),

complaint_kpis as (
    select
        {{ kpi_row("'complaint_rate'", 'period_month', 'slice_type', 'slice_value',
            'orders_with_complaint', 'orders_placed',
            safe_divide('orders_with_complaint', 'orders_placed'), 'is_month_closed') }}
    from order_totals

    union all

    select
        {{ kpi_row("'complaint_rate'", 'company_totals.period_month', "'complaint_category'",
            'category_numerators.slice_value', 'category_numerators.orders_with_complaint',
            'company_totals.orders_placed',
            safe_divide('category_numerators.orders_with_complaint',
                'company_totals.orders_placed'),
            'company_totals.is_month_closed') }}
    from category_numerators
    inner join company_totals
        on category_numerators.period_month = company_totals.period_month

    union all

    -- a count: numerator and denominator stay empty
    select
        {{ kpi_row("'warranty_cases'", 'period_month', 'slice_type', 'slice_value',
            'null', 'null', 'warranty_cases', 'is_month_closed') }}
    from warranty_counts
),

-- only the KPIs whose optional table is in the export
final as (
    {{ union_kpi_parts(kpi_parts) }}
)

select * from final
