{#- Parsing the export's text into contract types. try_cast keeps a bad value from
    crashing a view; the data-quality gate compares the raw text with the parsed value and
    stops the build on anything that did not parse. -#}

{% macro parse_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{% macro parse_timestamp_utc(column) -%}
    {#- ISO 8601, UTC unless an offset is given; the session time zone is UTC (profiles.yml). -#}
    cast(try_cast(nullif(trim({{ column }}), '') as timestamptz) as timestamp)
{%- endmacro %}

{% macro parse_date(column) -%}
    try_cast(nullif(trim({{ column }}), '') as date)
{%- endmacro %}

{% macro parse_decimal(column) -%}
    {%- if var('csv_decimal_separator', '.') == ',' -%}
    try_cast(replace(replace(nullif(trim({{ column }}), ''), '.', ''), ',', '.') as decimal(38, 6))
    {%- else -%}
    try_cast(nullif(trim({{ column }}), '') as decimal(38, 6))
    {%- endif -%}
{%- endmacro %}

{% macro parse_int(column) -%}
    try_cast(nullif(trim({{ column }}), '') as bigint)
{%- endmacro %}

{% macro parse_bool(column) -%}
    try_cast(lower(nullif(trim({{ column }}), '')) as boolean)
{%- endmacro %}
