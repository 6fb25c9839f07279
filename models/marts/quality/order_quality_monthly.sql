{{ gate_dependency() }}
-- cancellations, complaints and warranty claims month by month for the company, each rep
-- (the order's rep) and each segment, side by side: the kpi_monthly rows of sections 2-3 in
-- one wide row. Columns of a table missing from the export stay empty.
with

kpis as (
    select * from {{ ref('int_order_quality_kpis_monthly') }}
),

base_slices as (
    select * from kpis
    where slice_type in ('company', 'rep', 'segment')
),

final as (
    select
        period_month,
        slice_type,
        slice_value,
        -- all orders placed in M, cancelled or not: the denominator of both count rates
        cast(max(case when kpi_code in ('cancellation_rate', 'complaint_rate')
            then denominator end) as bigint) as orders_placed,
        cast(max(case when kpi_code = 'cancellation_rate' then numerator end) as bigint)
            as orders_cancelled,
        max(case when kpi_code = 'cancellation_rate' then value end) as cancellation_rate,
        max(case when kpi_code = 'cancellation_rate_value' then denominator end)
            as ordered_net_amount_eur,
        max(case when kpi_code = 'cancellation_rate_value' then numerator end)
            as cancelled_net_amount_eur,
        max(case when kpi_code = 'cancellation_rate_value' then value end)
            as cancellation_rate_value,
        cast(max(case when kpi_code = 'complaint_rate' then numerator end) as bigint)
            as orders_with_complaint,
        max(case when kpi_code = 'complaint_rate' then value end) as complaint_rate,
        cast(max(case when kpi_code = 'warranty_cases' then value end) as bigint)
            as warranty_cases,
        min(case when is_mature then 1 else 0 end) = 1 as is_mature
    from base_slices
    group by period_month, slice_type, slice_value
)

select * from final
