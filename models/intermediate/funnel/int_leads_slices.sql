-- one row per lead and reporting slice it falls into (kpis.md, Rep attribution): the whole
-- company always; its owner rep, that rep's team, its account's segment and its lead source
-- where known (a lead of an unknown rep or account is in no team or segment slice)
with

leads as (
    select * from {{ ref('int_leads_stages_reached') }}
    where funnel_stage = 'lead'
),

slice_types as (
    select * from (
        values ('company'), ('rep'), ('team'), ('segment'), ('lead_source')
    ) as slice_types (slice_type)
),

sliced as (
    select
        leads.lead_id,
        slice_types.slice_type,
        case slice_types.slice_type
            when 'company' then 'all'
            when 'rep' then leads.owner_rep_id
            when 'team' then leads.team
            when 'segment' then leads.segment
            when 'lead_source' then leads.lead_source
        end as slice_value,
        leads.lead_source
    from leads
    cross join slice_types
),

final as (
    select
        lead_id,
        slice_type,
        slice_value,
        lead_source
    from sliced
    where slice_value is not null
)

select * from final
