with

-- the export without its quarantined rows (macros/quarantine.sql)
source as (
    {{ export_rows_kept('contact_requests') }}
),

renamed as (
    select
        {{ parse_text('request_id') }} as request_id,
        {{ parse_timestamp_utc('received_at') }} as received_at,
        lower({{ parse_text('channel') }}) as channel,
        {{ parse_text('lead_id') }} as lead_id
    from source
)

select * from renamed
