-- rows of the export set aside before staging (macros/quarantine.sql), kept whole with the
-- reason: empty rows, repeated header lines, exact duplicates
{%- set contract = input_contract() %}
with

quarantined as (
    {%- for name in contract if name != 'funnel_stage_mapping' %}
    {{ quarantined_export_rows(name) }}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        table_name,
        quarantine_reason,
        row_key,
        row_data
    from quarantined
)

select * from final
