{{ gate_dependency() }}
-- what this build was made from, for BI to show next to every figure: one row per contract
-- table, with the run's as_of, data source and build time repeated on each row
{%- set contract = input_contract() %}
with

as_of as (
    select * from {{ ref('int_as_of_dates') }}
),

table_counts as (
    {%- for name, table in contract.items() if name != 'funnel_stage_mapping' %}
    select
        '{{ name }}' as table_name,
        {{ 'true' if table['required'] else 'false' }} as is_required,
        {{ 'true' if export_has_table(name) else 'false' }} as is_present,
        '{{ export_file(name) or ("seed " ~ name if var("data_dir", none) is none else "") }}' as source_file,
        count(*) as row_count
    from {{ ref('stg_' ~ table['source'] ~ '__' ~ name) }}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        table_counts.table_name,
        table_counts.is_required,
        table_counts.is_present,
        nullif(table_counts.source_file, '') as source_file,
        -- a missing table has no rows to count: null, not zero
        case when table_counts.is_present then table_counts.row_count end as row_count,
        '{{ "demo" if var("data_dir", none) is none else "folder" }}' as data_source,
        {{ "'" ~ var("data_dir") ~ "'" if var("data_dir", none) is not none else "cast(null as " ~ dbt.type_string() ~ ")" }} as data_dir,
        as_of.as_of_date,
        as_of.as_of_origin,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp) as built_at,
        '{{ invocation_id }}' as dbt_invocation_id
    from table_counts
    cross join as_of
)

select * from final
