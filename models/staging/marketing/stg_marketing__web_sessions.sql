with

-- the export without its quarantined rows (macros/quarantine.sql)
source as (
    {{ export_rows_kept('web_sessions') }}
),

renamed as (
    select
        {{ parse_text('session_id') }} as session_id,
        {{ parse_text('visitor_id') }} as visitor_id,
        {{ parse_timestamp_utc('started_at') }} as started_at,
        {{ parse_text('landing_page') }} as landing_page,
        {{ parse_text('channel') }} as channel,
        {{ parse_int('pageviews') }} as pageviews,
        {{ parse_int('duration_seconds') }} as duration_seconds
    from source
)

select * from renamed
