{{ gate_dependency() }}
-- every KPI of kpis.md, month by month and slice by slice, in one long table; each area
-- publishes its rows in an int_*_kpis_monthly model of the same shape (macros/kpi_rows.sql)
with

funnel as (select * from {{ ref('int_funnel_kpis_monthly') }}),
order_quality as (select * from {{ ref('int_order_quality_kpis_monthly') }}),
customers as (select * from {{ ref('int_customer_kpis_monthly') }}),
relationships as (select * from {{ ref('int_relationship_kpis_monthly') }}),
marketing as (select * from {{ ref('int_marketing_kpis_monthly') }}),
people as (select * from {{ ref('int_people_kpis_monthly') }}),

unioned as (
    select * from funnel
    union all select * from order_quality
    union all select * from customers
    union all select * from relationships
    union all select * from marketing
    union all select * from people
),

final as (
    select
        kpi_code,
        period_month,
        slice_type,
        slice_value,
        numerator,
        denominator,
        value,
        is_mature
    from unioned
)

select * from final
