with

-- the export without its quarantined rows (macros/quarantine.sql)
source as (
    {{ export_rows_kept('social_daily') }}
),

renamed as (
    select
        {{ parse_date('day') }} as day,
        {{ parse_text('platform') }} as platform,
        {{ parse_int('new_follows') }} as new_follows,
        {{ parse_int('likes') }} as likes
    from source
)

select * from renamed
