with

-- the export without its quarantined rows (macros/quarantine.sql)
source as (
    {{ export_rows_kept('downloads') }}
),

renamed as (
    select
        {{ parse_text('download_id') }} as download_id,
        {{ parse_timestamp_utc('downloaded_at') }} as downloaded_at,
        lower({{ parse_text('asset_type') }}) as asset_type,
        {{ parse_text('asset_name') }} as asset_name,
        {{ parse_text('lead_id') }} as lead_id
    from source
)

select * from renamed
