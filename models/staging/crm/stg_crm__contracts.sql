with

-- the export without its quarantined rows (macros/quarantine.sql)
source as (
    {{ export_rows_kept('contracts') }}
),

renamed as (
    select
        {{ parse_text('contract_id') }} as contract_id,
        {{ parse_text('account_id') }} as account_id,
        {{ parse_date('starts_on') }} as starts_on,
        {{ parse_date('ends_on') }} as ends_on,
        {{ parse_date('terminated_on') }} as terminated_on,
        {{ parse_decimal('annual_value') }} as annual_value
    from source
)

select * from renamed
