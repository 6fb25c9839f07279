-- the reporting date every model is relative to (kpis.md, Conventions): var as_of, else the
-- latest event date in the data; master-data dates (hired_on, accounts.created_at, contract
-- dates) are not events
with

leads as (select * from {{ ref('stg_crm__leads') }}),
stage_events as (select * from {{ ref('stg_crm__lead_stage_events') }}),
orders as (select * from {{ ref('stg_crm__orders') }}),
cancellations as (select * from {{ ref('stg_crm__cancellations') }}),
complaints as (select * from {{ ref('stg_crm__complaints') }}),
activities as (select * from {{ ref('stg_crm__activities') }}),
referrals as (select * from {{ ref('stg_crm__referrals') }}),
feedback as (select * from {{ ref('stg_crm__feedback') }}),
web_sessions as (select * from {{ ref('stg_marketing__web_sessions') }}),
newsletter_sends as (select * from {{ ref('stg_marketing__newsletter_sends') }}),
downloads as (select * from {{ ref('stg_marketing__downloads') }}),
social_daily as (select * from {{ ref('stg_marketing__social_daily') }}),
ad_spend_daily as (select * from {{ ref('stg_marketing__ad_spend_daily') }}),
contact_requests as (select * from {{ ref('stg_marketing__contact_requests') }}),
trainings as (select * from {{ ref('stg_people__trainings') }}),

event_dates as (
    select cast(created_at as date) as event_date from leads
    union all select cast(entered_at as date) from stage_events
    union all select cast(ordered_at as date) from orders
    union all select cast(cancelled_at as date) from cancellations
    union all select cast(opened_at as date) from complaints
    union all select cast(occurred_at as date) from activities
    union all select cast(referred_at as date) from referrals
    union all select cast(submitted_at as date) from feedback
    union all select cast(started_at as date) from web_sessions
    union all select cast(sent_at as date) from newsletter_sends
    union all select cast(downloaded_at as date) from downloads
    union all select day from social_daily
    union all select day from ad_spend_daily
    union all select cast(received_at as date) from contact_requests
    union all select held_on from trainings
),

as_of as (
    select
        {%- if var('as_of', none) %}
        -- an aggregate, so that the row is one however many events there are
        max(cast('{{ var("as_of") }}' as date)) as as_of_date,
        {%- else %}
        max(event_date) as as_of_date,
        {%- endif %}
        {{ "'var'" if var('as_of', none) else "'latest event date'" }} as as_of_origin
    from event_dates
),

final as (
    select
        as_of.as_of_date,
        as_of.as_of_origin,
        -- the reporting period starts with the month of the earliest event up to as_of
        (
            select min(event_dates.event_date)
            from event_dates
            where event_dates.event_date <= as_of.as_of_date
        ) as first_event_date
    from as_of
)

select * from final
