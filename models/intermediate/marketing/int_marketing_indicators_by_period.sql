-- the marketing early indicators of kpis.md section 10, and new leads, for two period grains
-- at once: calendar months (for kpi_monthly) and ISO weeks starting on Monday (for the
-- weekly view and the early warning). One row per grain, period, indicator and slice.
-- Counts carry only a value; means and ratios carry numerator (sum) and denominator
-- (count, delivered or clicks) and their safe ratio. Events after as_of are not counted.
with

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

web_sessions as (
    select * from {{ ref('stg_marketing__web_sessions') }}
),

newsletter_sends as (
    select * from {{ ref('stg_marketing__newsletter_sends') }}
),

downloads as (
    select * from {{ ref('stg_marketing__downloads') }}
),

social_daily as (
    select * from {{ ref('stg_marketing__social_daily') }}
),

ad_spend_daily as (
    select * from {{ ref('stg_marketing__ad_spend_daily') }}
),

contact_requests as (
    select * from {{ ref('stg_marketing__contact_requests') }}
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

-- each period grain an event date is rolled up into
grains as (
    select 'month' as period_grain
    union all
    select 'week' as period_grain
),

-- every event on its UTC date, up to and including as_of, once per grain
sessions_in_periods as (
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'cast(web_sessions.started_at as date)') }}
            as period_start,
        web_sessions.channel,
        web_sessions.visitor_id,
        web_sessions.pageviews,
        web_sessions.duration_seconds
    from web_sessions
    cross join as_of
    cross join grains
    where cast(web_sessions.started_at as date) <= as_of.as_of_date
),

sends_in_periods as (
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'cast(newsletter_sends.sent_at as date)') }}
            as period_start,
        newsletter_sends.newsletter,
        newsletter_sends.delivered,
        newsletter_sends.unique_clicks
    from newsletter_sends
    cross join as_of
    cross join grains
    where cast(newsletter_sends.sent_at as date) <= as_of.as_of_date
),

downloads_in_periods as (
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'cast(downloads.downloaded_at as date)') }}
            as period_start,
        downloads.asset_type
    from downloads
    cross join as_of
    cross join grains
    where cast(downloads.downloaded_at as date) <= as_of.as_of_date
),

social_days_in_periods as (
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'social_daily.day') }} as period_start,
        social_daily.platform,
        social_daily.new_follows,
        social_daily.likes
    from social_daily
    cross join as_of
    cross join grains
    where social_daily.day <= as_of.as_of_date
),

ad_days_in_periods as (
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'ad_spend_daily.day') }} as period_start,
        ad_spend_daily.platform,
        ad_spend_daily.clicks,
        ad_spend_daily.cost
    from ad_spend_daily
    cross join as_of
    cross join grains
    where ad_spend_daily.day <= as_of.as_of_date
),

requests_in_periods as (
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'cast(contact_requests.received_at as date)') }}
            as period_start,
        contact_requests.channel
    from contact_requests
    cross join as_of
    cross join grains
    where cast(contact_requests.received_at as date) <= as_of.as_of_date
),

leads_in_periods as (
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'cast(leads.created_at as date)') }} as period_start
    from leads
    cross join as_of
    cross join grains
    where cast(leads.created_at as date) <= as_of.as_of_date
),

-- company (grouping set without the slice column) and the table's own breakdown slice
session_totals as (
    select
        period_grain,
        period_start,
        {{ grouping_slice('channel', 'web_channel') }},
        count(*) as sessions,
        count(distinct visitor_id) as visitors,
        sum(pageviews) as pageviews,
        sum(duration_seconds) as duration_seconds
    from sessions_in_periods
    group by grouping sets ((period_grain, period_start), (period_grain, period_start, channel))
),

send_totals as (
    select
        period_grain,
        period_start,
        {{ grouping_slice('newsletter', 'newsletter') }},
        sum(unique_clicks) as unique_clicks,
        sum(delivered) as delivered
    from sends_in_periods
    group by grouping sets ((period_grain, period_start), (period_grain, period_start, newsletter))
),

download_totals as (
    select
        period_grain,
        period_start,
        {{ grouping_slice('asset_type', 'asset_type') }},
        count(*) as downloads
    from downloads_in_periods
    group by grouping sets ((period_grain, period_start), (period_grain, period_start, asset_type))
),

social_totals as (
    select
        period_grain,
        period_start,
        {{ grouping_slice('platform', 'platform') }},
        sum(new_follows) as new_follows,
        sum(likes) as likes
    from social_days_in_periods
    group by grouping sets ((period_grain, period_start), (period_grain, period_start, platform))
),

-- cpc is sum of cost over sum of clicks: a zero-click day still adds its cost
ad_totals as (
    select
        period_grain,
        period_start,
        {{ grouping_slice('platform', 'platform') }},
        sum(cost) as cost,
        sum(clicks) as clicks
    from ad_days_in_periods
    group by grouping sets ((period_grain, period_start), (period_grain, period_start, platform))
),

request_totals as (
    select
        period_grain,
        period_start,
        {{ grouping_slice('channel', 'request_channel') }},
        count(*) as contact_requests
    from requests_in_periods
    group by grouping sets ((period_grain, period_start), (period_grain, period_start, channel))
),

lead_totals as (
    select
        period_grain,
        period_start,
        'company' as slice_type,
        'all' as slice_value,
        count(*) as new_leads
    from leads_in_periods
    group by period_grain, period_start
),

-- one long row per indicator: counts carry a value only, means and ratios the sums behind
indicator_rows as (
    select period_grain, period_start, 'web_visitors' as indicator_code, slice_type, slice_value,
        cast(null as {{ type_double() }}) as numerator, cast(null as {{ type_double() }}) as denominator,
        cast(visitors as {{ type_double() }}) as value
    from session_totals
    union all
    select period_grain, period_start, 'web_sessions', slice_type, slice_value,
        null, null, sessions
    from session_totals
    union all
    select period_grain, period_start, 'avg_visit_duration_seconds', slice_type, slice_value,
        duration_seconds, sessions, {{ safe_divide('duration_seconds', 'sessions') }}
    from session_totals
    union all
    select period_grain, period_start, 'pages_per_visit', slice_type, slice_value,
        pageviews, sessions, {{ safe_divide('pageviews', 'sessions') }}
    from session_totals
    union all
    select period_grain, period_start, 'newsletter_ctr', slice_type, slice_value,
        unique_clicks, delivered, {{ safe_divide('unique_clicks', 'delivered') }}
    from send_totals
    union all
    select period_grain, period_start, 'downloads', slice_type, slice_value,
        null, null, downloads
    from download_totals
    union all
    select period_grain, period_start, 'social_follows', slice_type, slice_value,
        null, null, new_follows
    from social_totals
    union all
    select period_grain, period_start, 'social_likes', slice_type, slice_value,
        null, null, likes
    from social_totals
    union all
    select period_grain, period_start, 'cpc', slice_type, slice_value,
        cost, clicks, {{ safe_divide('cost', 'clicks') }}
    from ad_totals
    union all
    select period_grain, period_start, 'contact_requests', slice_type, slice_value,
        null, null, contact_requests
    from request_totals
    union all
    select period_grain, period_start, 'new_leads', slice_type, slice_value,
        null, null, new_leads
    from lead_totals
),

final as (
    select
        period_grain,
        period_start,
        indicator_code,
        slice_type,
        slice_value,
        numerator,
        denominator,
        value
    from indicator_rows
    -- a count needs a row only where it is not zero; a mean or ratio where anything was
    -- measured (numerator or denominator not zero: a zero-click month with ad cost keeps its
    -- row, with a null cpc)
    where (numerator is null and denominator is null and value <> 0)
        or coalesce(numerator, 0) <> 0
        or coalesce(denominator, 0) <> 0
)

select * from final
