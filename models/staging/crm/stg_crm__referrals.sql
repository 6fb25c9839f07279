with

-- the export without its quarantined rows (macros/quarantine.sql)
source as (
    {{ export_rows_kept('referrals') }}
),

renamed as (
    select
        {{ parse_text('referral_id') }} as referral_id,
        {{ parse_text('referring_account_id') }} as referring_account_id,
        {{ parse_timestamp_utc('referred_at') }} as referred_at,
        lower({{ parse_text('channel') }}) as channel,
        {{ parse_text('referred_lead_id') }} as referred_lead_id
    from source
)

select * from renamed
