{#-
    The frame the data-quality suite of one input table validates (python_checks/dq_suites.py):
    one row per kept row of the export (quarantined rows are already aside), with only what
    the rules need, computed here in SQL so that Great Expectations gets small, typed columns:

    - _key: the row's key as exported (the offending keys in messages),
    - every contract column parsed exactly as staging parses it (personal-data columns only
      as has_<column>: set or not),
    - <column>__unparsed: the raw text of a typed column that did not parse (else null),
    - <column>__unresolved: a reference that names no row of its parent table (else null),
    - <parent>__<column>: the parent's timestamp, for "not before its parent",
    - text columns the suite only needs present or not (not keys, allowed values or patterns)
      as true or null (smaller frames: see docs/data_quality.md, "Speed"),
    - lead_stage_events: crm_stage__unmapped and the mapped funnel_stage,
    - _suspect: whether the row may fail an expectation (only those rows go to GX).

    It reads the export itself, not the staging views, so the gate does not wait for the
    staging tests (and reports an unmapped stage before the staging view stops on it).
-#}

{% macro dq_parsed(column, type) -%}
    {%- if type == 'ts' -%}{{ parse_timestamp_utc(column) }}
    {%- elif type == 'date' -%}cast({{ parse_date(column) }} as timestamp)
    {%- elif type == 'num' -%}cast({{ parse_decimal(column) }} as double)
    {%- elif type == 'int' -%}{{ parse_int(column) }}
    {%- elif type == 'bool' -%}{{ parse_bool(column) }}
    {%- else -%}{{ parse_text(column) }}
    {%- endif -%}
{%- endmacro %}


{% macro dq_frame(table_name) %}
{%- set table = input_contract()[table_name] -%}
{%- set rules = dq_rules()[table_name] -%}
with

export_rows as (
    {{ export_rows_kept(table_name) }}
),
{#- one lookup per parent table: its keys and the timestamps "not before its parent" needs -#}
{%- set lookups = {} -%}
{%- for reference in rules['references'] -%}
    {%- do lookups.setdefault(reference['table'], {'key': reference['to'], 'columns': []}) -%}
{%- endfor -%}
{%- for parent in rules['parents'] -%}
    {%- do lookups.setdefault(parent['table'], {'key': parent['key'], 'columns': []}) -%}
    {%- do lookups[parent['table']]['columns'].append(parent['parent_column']) -%}
{%- endfor %}
{%- for parent_table, lookup in lookups.items() %}

-- the keys of {{ parent_table }} (read as exported: its quarantined rows add no key and no
-- earlier timestamp, except a repeated header line, left out here; no window needed)
parent_{{ parent_table }} as (
    select
        {{ parse_text(lookup['key']) }} as parent_key
        {%- for column in lookup['columns'] | unique %},
        min({{ parse_timestamp_utc(column) }}) as {{ column }}
        {%- endfor %}
    from ({{ export_relation(parent_table) }}) as parent_rows
    where lower(trim({{ lookup['key'] }})) <> '{{ lookup['key'] }}'
    group by 1
),
{%- endfor %}
{%- if table_name == 'lead_stage_events' %}

stage_mapping as (
    select crm_stage_key as mapped_stage_key, funnel_stage as mapped_funnel_stage
    from {{ ref('stg_config__funnel_stage_mappings') }}
),
{%- endif %}

final as (
    select
        {%- for column in table['columns'] %}
        {%- set normalize = rules['normalize'].get(column.name) %}
        {%- if column.personal %}
        -- personal data: only whether it is set, under another name (has_...)
        case when {{ parse_text('export_rows.' ~ column.name) }} is not null then true end as has_{{ column.name }},
        {%- elif column.type in ('id', 'text') and column.name not in rules['valued'] %}
        -- only whether it is set: the suite checks nothing else here
        case when {{ parse_text('export_rows.' ~ column.name) }} is not null then true end as {{ column.name }},
        {%- elif normalize %}
        {{ normalize }}({{ parse_text('export_rows.' ~ column.name) }}) as {{ column.name }},
        {%- else %}
        {{ dq_parsed('export_rows.' ~ column.name, column.type) }} as {{ column.name }},
        {%- endif %}
        {%- if column.type in ('ts', 'date', 'num', 'int', 'bool') %}
        case
            when {{ parse_text('export_rows.' ~ column.name) }} is not null
                and {{ dq_parsed('export_rows.' ~ column.name, column.type) }} is null
                then export_rows.{{ column.name }}
        end as {{ column.name }}__unparsed,
        {%- endif %}
        {%- endfor %}
        {%- for reference in rules['references'] %}
        case
            when {{ parse_text('export_rows.' ~ reference['column']) }} is not null
                and reference_{{ loop.index }}.parent_key is null
                then {{ parse_text('export_rows.' ~ reference['column']) }}
        end as {{ reference['column'] }}__unresolved,
        {%- endfor %}
        {%- for parent in rules['parents'] %}
        of_parent_{{ loop.index }}.{{ parent['parent_column'] }} as {{ parent['frame_column'] }},
        {%- endfor %}
        {%- if table_name == 'lead_stage_events' %}
        case
            when {{ parse_text('export_rows.crm_stage') }} is not null
                and stage_mapping.mapped_stage_key is null
                then {{ parse_text('export_rows.crm_stage') }}
        end as crm_stage__unmapped,
        stage_mapping.mapped_funnel_stage as funnel_stage,
        {%- endif %}
        {{ export_row_key(table_name) }} as _key
    from export_rows
    {%- for reference in rules['references'] %}
    left join parent_{{ reference['table'] }} as reference_{{ loop.index }}
        on {{ parse_text('export_rows.' ~ reference['column']) }} = reference_{{ loop.index }}.parent_key
    {%- endfor %}
    {%- for parent in rules['parents'] %}
    left join parent_{{ parent['table'] }} as of_parent_{{ loop.index }}
        on {{ parse_text('export_rows.' ~ parent['via']) }} = of_parent_{{ loop.index }}.parent_key
    {%- endfor %}
    {%- if table_name == 'lead_stage_events' %}
    left join stage_mapping
        on lower(trim(export_rows.crm_stage)) = stage_mapping.mapped_stage_key
    {%- endif %}
),

-- _suspect: the row may fail an expectation of the suite (dq_rules.suspect_predicates) or
-- shares its key with another row; only these rows go to Great Expectations, which judges them
flagged as (
    select
        *,
        (
            {%- for predicate in rules['suspect'] %}
            coalesce({{ predicate }}, false) or
            {%- endfor %}
            count(*) over (partition by {{ rules['key'] | join(', ') }}) > 1
        ) as _suspect
    from final
)

select * from flagged
{% endmacro %}
