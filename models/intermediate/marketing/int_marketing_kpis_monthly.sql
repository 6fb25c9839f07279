-- kpis.md section 10, the marketing early indicators, in the long kpi_monthly shape: the
-- month grain of int_marketing_indicators_by_period, without the helper series (new_leads).
-- A KPI whose table is missing from the export has no rows (its staging view is empty).
with

months as (
    select * from {{ ref('int_calendar_months') }}
),

indicators as (
    select * from {{ ref('int_marketing_indicators_by_period') }}
),

marketing_kpis as (
    select *
    from indicators
    where period_grain = 'month'
        and indicator_code in (
            'web_visitors', 'web_sessions', 'newsletter_ctr', 'downloads', 'social_follows',
            'social_likes', 'avg_visit_duration_seconds', 'pages_per_visit',
            'contact_requests', 'cpc'
        )
),

final as (
    select
        {{ kpi_row(
            'marketing_kpis.indicator_code', 'marketing_kpis.period_start',
            'marketing_kpis.slice_type', 'marketing_kpis.slice_value',
            'marketing_kpis.numerator', 'marketing_kpis.denominator', 'marketing_kpis.value',
            'months.is_month_closed'
        ) }}
    from marketing_kpis
    inner join months
        on marketing_kpis.period_start = months.period_month
)

select * from final
