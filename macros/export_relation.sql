{#-
    Reading the raw export.

    Demo mode (var data_dir empty): the contract tables are the dbt seeds under seeds/demo.
    Own-data mode (var data_dir set): one file per table in that folder, `<table>.csv` or
    `<table>.parquet`, recognised per file. A missing optional table reads as an empty table
    (and export_has_table() says it is missing, so the KPIs that need it are left out).

    Every column is handed to staging as text, so that staging parses demo seeds, CSV and
    Parquet exactly alike.
-#}

{% macro export_file(table_name) %}
    {#- The file of a table in data_dir, or none. Only answers at execution time. -#}
    {%- if var('data_dir', none) is none or not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set dir = var('data_dir') | string -%}
    {%- set dir = dir[:-1] if dir.endswith('/') else dir -%}
    {%- set sql -%}
        select file from glob('{{ dir }}/*')
        where lower(regexp_extract(file, '[^/]+$')) in (
            '{{ table_name }}.csv', '{{ table_name }}.parquet'
        )
        order by file
    {%- endset -%}
    {%- set files = run_query(sql).columns[0].values() -%}
    {%- if files | length > 1 -%}
        {{ exceptions.raise_compiler_error(
            "Bad input: table " ~ table_name ~ " is in " ~ dir ~ " twice (" ~ (files | join(', '))
            ~ "); keep one file per table, CSV or Parquet.") }}
    {%- endif -%}
    {{ return(files[0] if files | length == 1 else none) }}
{% endmacro %}


{% macro export_has_table(table_name) %}
    {#- Whether the export has the table. The demo has every table; at parse time: true. -#}
    {%- if var('data_dir', none) is none or not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {{ return(export_file(table_name) is not none) }}
{% endmacro %}


{% macro export_file_reader(file) %}
    {%- if file.lower().endswith('.parquet') -%}
        read_parquet('{{ file }}')
    {%- else -%}
        read_csv('{{ file }}', header = true, all_varchar = true, auto_detect = true,
            delim = '{{ var("csv_delimiter", ",") }}', quote = '"', escape = '"',
            encoding = '{{ var("csv_encoding", "utf-8") }}')
    {%- endif -%}
{% endmacro %}


{% macro export_relation(table_name) %}
    {%- set table = input_contract()[table_name] -%}
    {%- set columns = table['columns'] | map(attribute='name') | list -%}
    {%- if var('data_dir', none) is none -%}
        select
        {%- for column in columns %}
            cast({{ adapter.quote(column) }} as {{ dbt.type_string() }}) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
        from {{ ref(table_name) }}
    {%- else -%}
        {%- set file = export_file(table_name) -%}
        {%- if file is none -%}
            {%- if execute and table['required'] -%}
                {{ exceptions.raise_compiler_error(
                    "Bad input: required table " ~ table_name ~ " is missing from data_dir "
                    ~ var('data_dir') ~ " (expected " ~ table_name ~ ".csv or "
                    ~ table_name ~ ".parquet).") }}
            {%- endif -%}
            select
            {%- for column in columns %}
                cast(null as {{ dbt.type_string() }}) as {{ column }}{{ "," if not loop.last }}
            {%- endfor %}
            where 1 = 0
        {%- else -%}
            {%- set found = run_query("describe select * from " ~ export_file_reader(file)).columns[0].values() | map('lower') | list -%}
            {%- set missing = columns | reject('in', found) | list -%}
            {%- if missing -%}
                {{ exceptions.raise_compiler_error(
                    "Bad input: table " ~ table_name ~ " (" ~ file ~ ") lacks the required column(s) "
                    ~ (missing | join(', ')) ~ "; found: " ~ (found | join(', ')) ~ ".") }}
            {%- endif -%}
            select
            {%- for column in columns %}
                cast({{ adapter.quote(column) }} as {{ dbt.type_string() }}) as {{ column }}{{ "," if not loop.last }}
            {%- endfor %}
            from {{ export_file_reader(file) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{% macro log_export_tables() %}
    {#- After a run: say which contract tables were used and which were missing. -#}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {%- set used = [] -%}
        {%- set missing = [] -%}
        {%- for name in input_contract() if name != 'funnel_stage_mapping' -%}
            {%- if export_has_table(name) -%}{%- do used.append(name) -%}{%- else -%}{%- do missing.append(name) -%}{%- endif -%}
        {%- endfor -%}
        {%- do log("Data: " ~ (var('data_dir') if var('data_dir', none) is not none else 'demo seeds') ~ "; as_of: " ~ (var('as_of') or 'latest event date'), info=true) -%}
        {%- do log("Tables used (" ~ used | length ~ "): " ~ used | join(', '), info=true) -%}
        {%- do log("Tables missing (" ~ missing | length ~ "): " ~ (missing | join(', ') if missing else 'none'), info=true) -%}
    {%- endif -%}
{% endmacro %}
