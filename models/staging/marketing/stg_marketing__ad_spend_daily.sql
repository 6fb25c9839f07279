with

-- the export without its quarantined rows (macros/quarantine.sql)
source as (
    {{ export_rows_kept('ad_spend_daily') }}
),

renamed as (
    select
        {{ parse_date('day') }} as day,
        {{ parse_text('platform') }} as platform,
        {{ parse_text('campaign') }} as campaign,
        {{ parse_int('impressions') }} as impressions,
        {{ parse_int('clicks') }} as clicks,
        {{ parse_decimal('cost') }} as cost
    from source
)

select * from renamed
