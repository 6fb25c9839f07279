with

-- the export without its quarantined rows (macros/quarantine.sql)
source as (
    {{ export_rows_kept('orders') }}
),

renamed as (
    select
        {{ parse_text('order_id') }} as order_id,
        {{ parse_text('account_id') }} as account_id,
        {{ parse_text('lead_id') }} as lead_id,
        {{ parse_text('rep_id') }} as rep_id,
        {{ parse_timestamp_utc('ordered_at') }} as ordered_at,
        {{ parse_decimal('net_amount') }} as net_amount
    from source
)

select * from renamed
