with

-- the export without its quarantined rows (macros/quarantine.sql)
source as (
    {{ export_rows_kept('activities') }}
),

renamed as (
    select
        {{ parse_text('activity_id') }} as activity_id,
        {{ parse_text('account_id') }} as account_id,
        {{ parse_text('rep_id') }} as rep_id,
        lower({{ parse_text('activity_type') }}) as activity_type,
        {{ parse_timestamp_utc('occurred_at') }} as occurred_at,
        {{ parse_int('duration_minutes') }} as duration_minutes
    from source
)

select * from renamed
