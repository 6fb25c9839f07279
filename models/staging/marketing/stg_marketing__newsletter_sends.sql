with

-- the export without its quarantined rows (macros/quarantine.sql)
source as (
    {{ export_rows_kept('newsletter_sends') }}
),

renamed as (
    select
        {{ parse_text('send_id') }} as send_id,
        {{ parse_timestamp_utc('sent_at') }} as sent_at,
        {{ parse_text('newsletter') }} as newsletter,
        {{ parse_int('delivered') }} as delivered,
        {{ parse_int('unique_opens') }} as unique_opens,
        {{ parse_int('unique_clicks') }} as unique_clicks
    from source
)

select * from renamed
