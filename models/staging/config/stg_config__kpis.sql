-- every KPI code with its names, unit and direction, from the kpi_catalog seed
with

source as (
    select * from {{ ref('kpi_catalog') }}
),

renamed as (
    select
        {{ parse_text('kpi_code') }} as kpi_code,
        {{ parse_text('section') }} as section,
        {{ parse_text('name_de') }} as kpi_name_de,
        {{ parse_text('name_en') }} as kpi_name_en,
        {{ parse_text('unit') }} as unit,
        {{ parse_text('direction') }} as direction,
        {{ parse_text('needs_tables') }} as needs_tables
    from source
)

select * from renamed
