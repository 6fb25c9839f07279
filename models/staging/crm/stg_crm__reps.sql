-- personal data (full_name, email) stops here: it is not selected
with

-- the export without its quarantined rows (macros/quarantine.sql)
source as (
    {{ export_rows_kept('reps') }}
),

renamed as (
    select
        {{ parse_text('rep_id') }} as rep_id,
        {{ parse_text('team') }} as team,
        {{ parse_date('hired_on') }} as hired_on,
        {{ parse_date('left_on') }} as left_on
    from source
)

select * from renamed
