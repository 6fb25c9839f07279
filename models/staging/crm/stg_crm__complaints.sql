with

-- the export without its quarantined rows (macros/quarantine.sql)
source as (
    {{ export_rows_kept('complaints') }}
),

renamed as (
    select
        {{ parse_text('complaint_id') }} as complaint_id,
        {{ parse_text('order_id') }} as order_id,
        {{ parse_timestamp_utc('opened_at') }} as opened_at,
        {{ parse_timestamp_utc('closed_at') }} as closed_at,
        lower({{ parse_text('category') }}) as category,
        {{ parse_bool('is_warranty_claim') }} as is_warranty_claim
    from source
)

select * from renamed
