with

-- the export without its quarantined rows (macros/quarantine.sql)
source as (
    {{ export_rows_kept('cancellations') }}
),

renamed as (
    select
        {{ parse_text('order_id') }} as order_id,
        {{ parse_timestamp_utc('cancelled_at') }} as cancelled_at,
        lower({{ parse_text('reason') }}) as reason,
        {{ parse_decimal('refunded_amount') }} as refunded_amount
    from source
)

select * from renamed
