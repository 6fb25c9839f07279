with

-- the export without its quarantined rows (macros/quarantine.sql)
source as (
    {{ export_rows_kept('accounts') }}
),

renamed as (
    select
        {{ parse_text('account_id') }} as account_id,
        -- a company name, not personal data
        {{ parse_text('account_name') }} as account_name,
        {{ parse_text('industry') }} as industry,
        {{ parse_text('segment') }} as segment,
        upper({{ parse_text('country') }}) as country,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        {{ parse_text('owner_rep_id') }} as owner_rep_id
    from source
)

select * from renamed
