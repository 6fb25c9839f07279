-- crm stage names are categorised into funnel stages here (trimmed, case-insensitive);
-- an unmapped name is bad input and stops every query on this view with an error naming it
with

-- the export without its quarantined rows (macros/quarantine.sql)
source as (
    {{ export_rows_kept('lead_stage_events') }}
),

stage_mapping as (
    select * from {{ ref('stg_config__funnel_stage_mappings') }}
),

renamed as (
    select
        {{ parse_text('lead_id') }} as lead_id,
        {{ parse_text('crm_stage') }} as crm_stage,
        {{ parse_timestamp_utc('entered_at') }} as entered_at,
        {{ parse_text('lost_reason') }} as lost_reason
    from source
),

mapped as (
    select
        renamed.lead_id,
        renamed.crm_stage,
        stage_mapping.funnel_stage,
        renamed.entered_at,
        renamed.lost_reason
    from renamed
    left join stage_mapping
        on lower(renamed.crm_stage) = stage_mapping.crm_stage_key
),

checked as (
    select
        {{ dbt.hash("concat(coalesce(lead_id, ''), '|', coalesce(crm_stage, ''), '|', coalesce(cast(entered_at as " ~ dbt.type_string() ~ "), ''))") }} as lead_stage_event_id,
        lead_id,
        crm_stage,
        case
            when funnel_stage is null
                then {{ raise_error("'Bad input: table lead_stage_events, column crm_stage, rule every stage name is mapped in funnel_stage_mapping: unmapped stage ''' || coalesce(crm_stage, '<empty>') || ''' (lead ' || coalesce(lead_id, '?') || ')'") }}
            else funnel_stage
        end as funnel_stage,
        entered_at,
        lost_reason
    from mapped
)

select * from checked
