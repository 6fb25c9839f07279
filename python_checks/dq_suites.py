"""The Great Expectations suites: one per input table of the input contract, and one for
kpi_monthly. Expectations are grouped by the contract rule they enforce; each is blocking
(GX severity "critical": a failure stops the build and keeps the published marts) or a warning
(reported, never stopping). docs/data_quality.md lists them.

A suite validates the table's frame (macros/dq_frame.sql), not the raw table: the SQL has
already parsed every column and looked up references and parent timestamps, so each rule is a
plain column expectation here; and GX gets only the frame's rows that may fail one
(dq_rules.suspect_predicates), so it judges a handful of rows, not hundreds of thousands. The
table's size is judged apart (row_count_suite). Only the *required columns* rule is enforced
before any suite runs, when the file is read (dbt model export_files / macro
export_relation): a file without a required column cannot be framed at all.
"""

from __future__ import annotations

from datetime import datetime

import great_expectations as gx
from dq_rules import (
    BLOCKING,
    MAX_ROWS,
    RULES,
    TABLES,
    WARNING,
    frame_column,
    unique_columns,
)
from great_expectations import expectations as gxe
from great_expectations.expectations.row_conditions import Column

# rule names, in the order of the contract's "Bad input" section
R_TYPES = "required columns and types"
R_KEYS = "keys unique and not null"
R_REFS = "references resolve"
R_VALUES = "allowed values"
R_AMOUNTS = "amounts > 0"
R_PARSE = "timestamps parse"
R_FUTURE = "timestamps not after the build"
R_PARENT = "not before its parent"
R_STAGES = "every stage name mapped"
R_ROWS = "row counts within bounds"
R_CONSISTENT = "consistent values"

KPI_SLICE_TYPES = ("company", "rep", "team", "segment", "lead_source", "cancellation_reason",
                   "complaint_category", "activity_type", "feedback_channel", "web_channel",
                   "platform", "asset_type", "newsletter", "request_channel")

_SEVERITY = {BLOCKING: "critical", WARNING: "warning"}


def _add(suite, expectation_cls, rule: str, severity: str, description: str, label=None,
         **kwargs):
    """Add one expectation; label is the contract column it is about (for people)."""
    meta = {"rule": rule, "severity": severity, "column": label or ""}
    suite.add_expectation(expectation_cls(
        meta=meta, severity=_SEVERITY[severity], description=description, **kwargs))


def input_suite(table_name: str, build_moment: datetime) -> gx.ExpectationSuite:
    """The suite of one input table; build_moment (naive UTC) bounds event timestamps."""
    table = next(t for t in TABLES if t.name == table_name)
    rules = RULES[table_name]
    suite = gx.ExpectationSuite(name=table_name)
    key = unique_columns(table_name)
    typed = [c for c in table.columns if c.type in ("ts", "date", "num", "int", "bool")]

    # required columns and types: every typed value parses, required values are present
    for col in typed:
        kind = "timestamp" if col.type == "ts" else col.type
        rule = R_PARSE if col.type in ("ts", "date") else R_TYPES
        _add(suite, gxe.ExpectColumnValuesToBeNull, rule, BLOCKING,
             f"{col.name} parses as {kind}", col.name, column=f"{col.name}__unparsed")
    for col in table.columns:
        if not col.nullable and col.name not in key:
            # a value that is there but does not parse is reported above, not here
            condition = ({"row_condition": Column(f"{col.name}__unparsed").is_null()}
                         if col in typed else {})
            _add(suite, gxe.ExpectColumnValuesToNotBeNull, R_TYPES, BLOCKING,
                 f"{col.name} is set on every row", col.name, column=frame_column(col),
                 **condition)

    # keys unique and not null
    for name in key:
        _add(suite, gxe.ExpectColumnValuesToNotBeNull, R_KEYS, BLOCKING,
             f"key column {name} is set", name, column=name)
    if len(key) == 1:
        _add(suite, gxe.ExpectColumnValuesToBeUnique, R_KEYS, BLOCKING,
             f"{key[0]} is unique", key[0], column=key[0])
    elif key:
        _add(suite, gxe.ExpectCompoundColumnsToBeUnique, R_KEYS, BLOCKING,
             f"({', '.join(key)}) is unique", "+".join(key), column_list=list(key))

    # references resolve
    for ref in rules.references:
        _add(suite, gxe.ExpectColumnValuesToBeNull, R_REFS, BLOCKING,
             f"{ref.column} names an existing {ref.parent_table}.{ref.parent_column}",
             ref.column, column=f"{ref.column}__unresolved")

    # allowed values
    for name, values in rules.allowed.items():
        _add(suite, gxe.ExpectColumnValuesToBeInSet, R_VALUES, BLOCKING,
             f"{name} is one of {', '.join(values)}", name, column=name, value_set=list(values))
    for name, pattern in rules.regex.items():
        _add(suite, gxe.ExpectColumnValuesToMatchRegex, R_VALUES, WARNING,
             f"{name} matches {pattern}", name, column=name, regex=pattern)

    # amounts > 0 and other ranges
    for rng in rules.ranges:
        bounds = []
        if rng.min_value is not None:
            bounds.append(f"{'>' if rng.strict_min else '>='} {rng.min_value:g}")
        if rng.max_value is not None:
            bounds.append(f"<= {rng.max_value:g}")
        _add(suite, gxe.ExpectColumnValuesToBeBetween, rng.rule, rng.severity,
             f"{rng.column} {' and '.join(bounds)}", rng.column, column=rng.column,
             min_value=rng.min_value, max_value=rng.max_value, strict_min=rng.strict_min)

    # timestamps not after the moment the build runs (events after as_of are valid)
    for name in rules.events:
        _add(suite, gxe.ExpectColumnValuesToBeBetween, R_FUTURE, BLOCKING,
             f"{name} is not later than the build ({build_moment:%Y-%m-%d %H:%M} UTC)", name,
             column=name, max_value=build_moment)

    # not before its parent
    for parent in rules.parents:
        _add(suite, gxe.ExpectColumnPairValuesAToBeGreaterThanB, R_PARENT, parent.severity,
             f"{parent.column} is not before its {parent.parent_table[:-1]}'s "
             f"{parent.parent_column}", parent.column, column_A=parent.column,
             column_B=parent.frame_column, or_equal=True,
             ignore_row_if="either_value_is_missing")
    for order in rules.orders:
        _add(suite, gxe.ExpectColumnPairValuesAToBeGreaterThanB, order.rule, order.severity,
             f"{order.column_a} >= {order.column_b}", order.column_a, column_A=order.column_a,
             column_B=order.column_b, or_equal=True, ignore_row_if="either_value_is_missing")

    # every stage name mapped
    if table_name == "lead_stage_events":
        _add(suite, gxe.ExpectColumnValuesToBeNull, R_STAGES, BLOCKING,
             "crm_stage has a row in funnel_stage_mapping", "crm_stage",
             column="crm_stage__unmapped")
        _add(suite, gxe.ExpectColumnValuesToBeNull, R_CONSISTENT, WARNING,
             "lost_reason only on the loss stage", "lost_reason", column="lost_reason",
             row_condition=(Column("funnel_stage") != "lost")
             & Column("crm_stage__unmapped").is_null())

    for cond in rules.conditions:
        _add(suite, gxe.ExpectColumnValuesToNotBeNull, cond.rule, cond.severity,
             cond.description, cond.column, column=cond.column,
             row_condition=Column(cond.when_column) == cond.when_value)

    return suite


def row_count_suite(table_name: str) -> gx.ExpectationSuite:
    """The table's size rules. The row-level suite above sees only the rows that may fail
    (the frame's _suspect rows), so the size is judged on its own one-row batch:
    (table_name, row_count), counted in SQL."""
    table = next(t for t in TABLES if t.name == table_name)
    suite = gx.ExpectationSuite(name=f"{table_name}__row_count")
    if table.must_have_rows:
        _add(suite, gxe.ExpectColumnValuesToBeBetween, R_ROWS, BLOCKING,
             f"{table_name} has rows (the contract requires them)", None, column="row_count",
             min_value=1)
    _add(suite, gxe.ExpectColumnValuesToBeBetween, R_ROWS, WARNING,
         f"at most {MAX_ROWS:,} rows (what the build is sized for)", None, column="row_count",
         max_value=MAX_ROWS)
    return suite


def kpi_monthly_suite() -> gx.ExpectationSuite:
    """The rows kpi_monthly is about to publish (the union of the int_*_kpis_monthly models),
    framed by kpi_monthly_validation.py."""
    suite = gx.ExpectationSuite(name="kpi_monthly")
    grain = ["kpi_code", "period_month", "slice_type", "slice_value"]
    for name in grain + ["is_mature"]:
        _add(suite, gxe.ExpectColumnValuesToNotBeNull, R_KEYS, BLOCKING, f"{name} is set",
             name, column=name)
    _add(suite, gxe.ExpectCompoundColumnsToBeUnique, R_KEYS, BLOCKING,
         "one row per kpi_code, period_month, slice_type and slice_value", "+".join(grain),
         column_list=grain)
    _add(suite, gxe.ExpectColumnValuesToBeNull, R_VALUES, BLOCKING,
         "kpi_code is in kpi_catalog", "kpi_code", column="kpi_code__unknown")
    _add(suite, gxe.ExpectColumnValuesToBeInSet, R_VALUES, BLOCKING,
         "slice_type is a known slice", "slice_type", column="slice_type",
         value_set=list(KPI_SLICE_TYPES))
    _add(suite, gxe.ExpectColumnValuesToBeNull, R_VALUES, BLOCKING,
         "period_month is a month of the reporting period (earliest event to as_of)",
         "period_month", column="period_month__outside")
    _add(suite, gxe.ExpectColumnValuesToBeBetween, R_VALUES, BLOCKING,
         "a share lies in [0, 1]", "value", column="share_value", min_value=0, max_value=1)
    _add(suite, gxe.ExpectColumnValuesToBeBetween, R_VALUES, BLOCKING,
         "an nps score lies in [-100, 100]", "value", column="score_value", min_value=-100,
         max_value=100)
    _add(suite, gxe.ExpectColumnValuesToBeNull, R_CONSISTENT, WARNING,
         "value = numerator / denominator (x100 for a score) where both are given", "value",
         column="value__not_the_ratio")
    _add(suite, gxe.ExpectColumnValuesToBeNull, R_CONSISTENT, BLOCKING,
         "no value on a zero denominator (safe_divide)", "value",
         column="value__on_zero_denominator")
    _add(suite, gxe.ExpectTableRowCountToBeBetween, R_ROWS, WARNING,
         "kpi_monthly has rows", None, min_value=1)
    return suite
