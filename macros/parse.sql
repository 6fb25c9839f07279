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
    {#- German numbers only (1.234,56 / 1234,56 / 1234): a dot is a thousands separator there,
        so 1234.56 is not read as 123456 but left unparsed, for the gate to report -#}
    case
        when regexp_full_match(trim({{ column }}), '[+-]?([0-9]{1,3}([.][0-9]{3})+|[0-9]+)(,[0-9]+)?')
            then try_cast(replace(replace(trim({{ column }}), '.', ''), ',', '.') as decimal(38, 6))
    end
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
