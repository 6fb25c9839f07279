with

-- the export without its quarantined rows (macros/quarantine.sql)
source as (
    {{ export_rows_kept('leads') }}
),

renamed as (
    select
        {{ parse_text('lead_id') }} as lead_id,
        {{ parse_text('account_id') }} as account_id,
        {{ parse_text('owner_rep_id') }} as owner_rep_id,
        lower({{ parse_text('lead_source') }}) as lead_source,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        {{ parse_text('referred_by_account_id') }} as referred_by_account_id
    from source
)

select * from renamed
