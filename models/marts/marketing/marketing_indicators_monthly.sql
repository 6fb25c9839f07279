{{ gate_dependency() }}
-- the marketing early indicators of kpis.md section 10 side by side, one row per reporting
-- month (company level; the slices are in kpi_monthly), with the sums behind the ratios and
-- the new leads of the month for comparison
with

months as (
    select * from {{ ref('int_calendar_months') }}
),

indicators as (
    select * from {{ ref('int_marketing_indicators_pivoted') }}
    where period_grain = 'month'
),

final as (
    select
        months.period_month,
        months.month_end_on,
        months.is_month_closed,
        indicators.web_visitors,
        indicators.web_sessions,
        indicators.downloads,
        indicators.social_follows,
        indicators.social_likes,
        indicators.contact_requests,
        indicators.new_leads,
        indicators.avg_visit_duration_seconds,
        indicators.pages_per_visit,
        indicators.newsletter_delivered,
        indicators.newsletter_unique_clicks,
        indicators.newsletter_ctr,
        indicators.ad_clicks,
        indicators.ad_cost_eur,
        indicators.cpc
    from months
    left join indicators
        on months.period_month = indicators.period_start
)

select * from final
