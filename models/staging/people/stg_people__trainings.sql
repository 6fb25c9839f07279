with

-- the export without its quarantined rows (macros/quarantine.sql)
source as (
    {{ export_rows_kept('trainings') }}
),

renamed as (
    select
        {{ parse_text('training_id') }} as training_id,
        {{ parse_text('rep_id') }} as rep_id,
        {{ parse_date('held_on') }} as held_on,
        {{ parse_text('topic') }} as topic,
        {{ parse_decimal('hours') }} as hours
    from source
)

select * from renamed
