-- the free-text comment may name people: it stops here, only whether there was one goes on
with

-- the export without its quarantined rows (macros/quarantine.sql)
source as (
    {{ export_rows_kept('feedback') }}
),

renamed as (
    select
        {{ parse_text('feedback_id') }} as feedback_id,
        {{ parse_text('account_id') }} as account_id,
        {{ parse_timestamp_utc('submitted_at') }} as submitted_at,
        lower({{ parse_text('channel') }}) as channel,
        {{ parse_int('nps_score') }} as nps_score,
        {{ parse_text('comment') }} is not null as has_comment
    from source
)

select * from renamed
