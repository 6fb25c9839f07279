{#-
    Quarantine (docs/data_quality.md, "Quarantine"): rows of the export that carry no
    information of their own are set aside before staging, kept whole with the reason in
    quality.quarantined_rows, and counted in the run output:

    - an empty row (every contract column empty, e.g. the ";;;;" lines spreadsheet exports
      leave at the end),
    - a repeated header line (every column holds its own name: concatenated exports),
    - an exact duplicate of another row (every contract column equal, as exported): the
      first copy is kept, the others are quarantined.

    Everything else that breaks the contract stops the build (the data-quality gate).
-#}

{% macro export_rows(table_name) %}
    {#- Every row of the export as text, with quarantine_reason (null: the row is kept). -#}
    {%- set columns = input_contract()[table_name]['columns'] | map(attribute='name') | list -%}
    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        case
            when {% for column in columns %}{{ parse_text(column) }} is null{{ ' and ' if not loop.last }}{% endfor %}
                then 'empty row'
            when {% for column in columns %}lower(coalesce(trim({{ column }}), '')) = '{{ column }}'{{ ' and ' if not loop.last }}{% endfor %}
                then 'repeated header line'
            when row_number() over (partition by {{ columns | join(', ') }}) > 1
                then 'exact duplicate'
        end as quarantine_reason
    from ({{ export_relation(table_name) }}) as export_{{ table_name }}
    {{- export_preflight_dependency() }}
{% endmacro %}


{% macro export_rows_kept(table_name) %}
    {#- The rows staging reads: the export without its quarantined rows, the contract's
        columns as text (exactly what export_relation returns). -#}
    {%- set columns = input_contract()[table_name]['columns'] | map(attribute='name') | list -%}
    select {{ columns | join(', ') }}
    from ({{ export_rows(table_name) }}) as rows_{{ table_name }}
    where quarantine_reason is null
{% endmacro %}


{% macro export_row_key(table_name) %}
    {#- A row's key as exported, for messages: the key columns joined by '|'. -#}
    {%- set keys = dq_rules()[table_name]['key'] -%}
    coalesce(nullif(concat_ws('|', {% for column in keys %}trim({{ column }}){{ ', ' if not loop.last }}{% endfor %}), ''), '<no key>')
{%- endmacro %}


{% macro quarantined_export_rows(table_name) %}
    {#- The quarantined rows of one table, whole (personal-data columns masked). -#}
    {%- set table = input_contract()[table_name] -%}
    select
        '{{ table_name }}' as table_name,
        quarantine_reason,
        {{ export_row_key(table_name) }} as row_key,
        cast(json_object(
            {%- for column in table['columns'] %}
            '{{ column.name }}',
            {%- if column.personal %}
            case when {{ parse_text(column.name) }} is null then null else '[personal data removed]' end
            {%- else %}
            {{ column.name }}
            {%- endif %}{{ ',' if not loop.last }}
            {%- endfor %}
        ) as {{ dbt.type_string() }}) as row_data
    from ({{ export_rows(table_name) }}) as rows_{{ table_name }}
    where quarantine_reason is not null
{% endmacro %}
