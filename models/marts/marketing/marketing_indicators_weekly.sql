{{ gate_dependency() }}
-- the marketing early indicators of kpis.md section 10 week by week (ISO weeks, Monday
-- start), with the new leads of each week: the input of the early warning and the lead-time
-- view. The week of as_of is included but marked incomplete.
with

weeks as (
    select * from {{ ref('int_marketing_weeks') }}
),

indicators as (
    select * from {{ ref('int_marketing_indicators_pivoted') }}
    where period_grain = 'week'
),

final as (
    select
        weeks.week_start,
        weeks.week_last_day,
        weeks.is_complete_week,
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
    from weeks
    left join indicators
        on weeks.week_start = indicators.period_start
)

select * from final
