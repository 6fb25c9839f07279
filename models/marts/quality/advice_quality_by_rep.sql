{{ gate_dependency() }}
-- advice quality per rep and month: of the orders credited to the rep and placed in the
-- month (cancelled or not), how many were cancelled as `oversold` and how many drew an
-- `advice` complaint by as_of — the rep-level view behind the advice-quality dimension
with

months as (
    select * from {{ ref('int_calendar_months') }}
),

orders as (
    select * from {{ ref('int_orders_advice_issues') }}
),

rep_months as (
    select
        order_month as period_month,
        rep_id,
        max(team) as team,
        count(*) as orders_placed,
        sum(case when is_cancelled_oversold then 1 else 0 end) as oversold_cancellations,
        sum(case when has_advice_complaint then 1 else 0 end) as orders_with_advice_complaint
    from orders
    group by order_month, rep_id
),

final as (
    select
        rep_months.period_month,
        rep_months.rep_id,
        rep_months.team,
        months.is_month_closed,
        cast(rep_months.orders_placed as bigint) as orders_placed,
        {%- if export_has_table('cancellations') %}
        cast(rep_months.oversold_cancellations as bigint) as oversold_cancellations,
        cast({{ safe_divide('rep_months.oversold_cancellations', 'rep_months.orders_placed') }} as {{ type_double() }})
            as oversold_cancellation_rate,
        {%- else %}
        cast(null as bigint) as oversold_cancellations,
        cast(null as {{ type_double() }}) as oversold_cancellation_rate,
        {%- endif %}
        {%- if export_has_table('complaints') %}
        cast(rep_months.orders_with_advice_complaint as bigint) as orders_with_advice_complaint,
        cast({{ safe_divide('rep_months.orders_with_advice_complaint', 'rep_months.orders_placed') }} as {{ type_double() }})
            as advice_complaint_rate
        {%- else %}
        cast(null as bigint) as orders_with_advice_complaint,
        cast(null as {{ type_double() }}) as advice_complaint_rate
        {%- endif %}
    from rep_months
    inner join months
        on rep_months.period_month = months.period_month
)

select * from final
