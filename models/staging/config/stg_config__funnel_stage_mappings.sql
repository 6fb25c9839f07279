-- depends_on: {{ ref('funnel_stage_mapping') }}
-- the shipped mapping, or the user's funnel_stage_mapping file in data_dir, which replaces it
with

source as (
    {%- if export_has_table('funnel_stage_mapping') and var('data_dir', none) is not none %}
    {{ export_relation('funnel_stage_mapping') }}
    {%- else %}
    select crm_stage, funnel_stage from {{ ref('funnel_stage_mapping') }}
    {%- endif %}
),

renamed as (
    select
        {{ parse_text('crm_stage') }} as crm_stage,
        lower(trim(crm_stage)) as crm_stage_key,
        lower({{ parse_text('funnel_stage') }}) as funnel_stage
    from source
)

select * from renamed
