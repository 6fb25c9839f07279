"""The rules of the input contract that go beyond column names and types, table by table.

Column names, types, keys, nullability and which tables must have rows come from
`b2b_sales_kpis.contract` (the single source of truth of the contract). This module adds what
the data-quality suites (dq_suites.py) need on top: allowed values, references between tables,
"not before its parent" time orders, ranges, which timestamps are events (and so cannot lie
after the moment the build runs) and the few warnings.

The part the SQL side needs (how a column is normalised, which references and parent
timestamps to look up) is rendered into `macros/dq_rules.sql` by `python python_checks/dq_rules.py`;
a test keeps the two in sync.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
if str(PROJECT_DIR / "src") not in sys.path:  # the contract lives in src/
    sys.path.append(str(PROJECT_DIR / "src"))

from b2b_sales_kpis.contract import TABLES, TABLES_BY_NAME  # noqa: E402

BLOCKING = "blocking"
WARNING = "warning"

# the upper bound of every table: more rows than this is not wrong, but more than the build
# was sized and benchmarked for (a warning)
MAX_ROWS = 5_000_000


@dataclass(frozen=True)
class Reference:
    """column must name an existing parent_table.parent_column (when it is set)."""

    column: str
    parent_table: str
    parent_column: str


@dataclass(frozen=True)
class NotBeforeParent:
    """column must not be earlier than parent_table.parent_column of the row's parent,
    found through the child's column `via` = the parent's key `parent_key`."""

    column: str
    via: str
    parent_table: str
    parent_key: str
    parent_column: str
    # the contract names only "a stage event before its lead was created" as bad input; the
    # other parent orders are plausibility checks that warn rather than stop a user's build
    severity: str = BLOCKING

    @property
    def frame_column(self) -> str:
        return f"{self.parent_table}__{self.parent_column}"


@dataclass(frozen=True)
class Range:
    column: str
    min_value: float | None = None
    max_value: float | None = None
    strict_min: bool = False
    severity: str = BLOCKING
    rule: str = "amounts and counts within their range"


@dataclass(frozen=True)
class Order:
    """Within a row: column_a >= column_b (when both are set)."""

    column_a: str
    column_b: str
    severity: str = BLOCKING
    rule: str = "timestamps in order"


@dataclass(frozen=True)
class Condition:
    """column must not be null where when_column equals when_value (a warning by default)."""

    column: str
    when_column: str
    when_value: str
    description: str
    severity: str = WARNING
    rule: str = "consistent values"


@dataclass(frozen=True)
class TableRules:
    allowed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    normalize: dict[str, str] = field(default_factory=dict)  # column -> lower | upper
    regex: dict[str, str] = field(default_factory=dict)  # column -> pattern (a warning)
    references: tuple[Reference, ...] = ()
    parents: tuple[NotBeforeParent, ...] = ()
    ranges: tuple[Range, ...] = ()
    orders: tuple[Order, ...] = ()
    conditions: tuple[Condition, ...] = ()
    events: tuple[str, ...] = ()  # columns that cannot lie after the moment the build runs
    unique: tuple[str, ...] = ()  # a compound key for tables without one in the contract


def _ref(column: str, parent: str) -> Reference:
    parent_key = TABLES_BY_NAME[parent].key[0]
    return Reference(column, parent, parent_key)


RULES: dict[str, TableRules] = {
    "reps": TableRules(
        orders=(Order("left_on", "hired_on", WARNING, "consistent values"),),
    ),
    "accounts": TableRules(
        allowed={"segment": ("SMB", "Mid-Market", "Enterprise")},
        normalize={"country": "upper"},
        regex={"country": r"^[A-Z]{2}$"},
        references=(_ref("owner_rep_id", "reps"),),
        events=("created_at",),
    ),
    "leads": TableRules(
        allowed={"lead_source": ("website", "newsletter", "download", "social", "referral",
                                 "event", "paid_search", "outbound")},
        normalize={"lead_source": "lower"},
        references=(
            _ref("account_id", "accounts"),
            _ref("owner_rep_id", "reps"),
            _ref("referred_by_account_id", "accounts"),
        ),
        conditions=(Condition("referred_by_account_id", "lead_source", "referral",
                              "a referral lead names the referring account"),),
        events=("created_at",),
    ),
    "lead_stage_events": TableRules(
        references=(_ref("lead_id", "leads"),),
        parents=(NotBeforeParent("entered_at", "lead_id", "leads", "lead_id", "created_at"),),
        events=("entered_at",),
        unique=("lead_id", "crm_stage", "entered_at"),
    ),
    "orders": TableRules(
        references=(
            _ref("account_id", "accounts"),
            _ref("lead_id", "leads"),
            _ref("rep_id", "reps"),
        ),
        parents=(NotBeforeParent("ordered_at", "lead_id", "leads", "lead_id", "created_at",
                                 WARNING),),
        ranges=(Range("net_amount", min_value=0, strict_min=True, rule="amounts > 0"),),
        events=("ordered_at",),
    ),
    "cancellations": TableRules(
        allowed={"reason": ("product_expectations", "oversold", "price", "timing", "other")},
        normalize={"reason": "lower"},
        references=(_ref("order_id", "orders"),),
        parents=(NotBeforeParent("cancelled_at", "order_id", "orders", "order_id",
                                 "ordered_at", WARNING),),
        ranges=(Range("refunded_amount", min_value=0, rule="amounts >= 0"),),
        events=("cancelled_at",),
    ),
    "complaints": TableRules(
        allowed={"category": ("product_defect", "delivery", "advice", "service", "billing")},
        normalize={"category": "lower"},
        references=(_ref("order_id", "orders"),),
        parents=(NotBeforeParent("opened_at", "order_id", "orders", "order_id", "ordered_at",
                                 WARNING),),
        orders=(Order("closed_at", "opened_at", WARNING, "not before its parent"),),
        events=("opened_at", "closed_at"),
    ),
    "activities": TableRules(
        allowed={"activity_type": ("visit", "video_call", "phone_call", "email", "event")},
        normalize={"activity_type": "lower"},
        references=(_ref("account_id", "accounts"), _ref("rep_id", "reps")),
        ranges=(Range("duration_minutes", min_value=0),),
        events=("occurred_at",),
    ),
    "referrals": TableRules(
        allowed={"channel": ("personal", "social_media", "testimonial", "review")},
        normalize={"channel": "lower"},
        references=(
            _ref("referring_account_id", "accounts"),
            _ref("referred_lead_id", "leads"),
        ),
        events=("referred_at",),
    ),
    "feedback": TableRules(
        allowed={"channel": ("nps_survey", "review", "social_media", "interview")},
        normalize={"channel": "lower"},
        references=(_ref("account_id", "accounts"),),
        ranges=(Range("nps_score", min_value=0, max_value=10, rule="allowed values"),),
        events=("submitted_at",),
    ),
    "contracts": TableRules(
        references=(_ref("account_id", "accounts"),),
        # the contract requires > 0 of net_amount only; any other amount must not be negative
        ranges=(Range("annual_value", min_value=0, rule="amounts >= 0"),),
        orders=(
            Order("ends_on", "starts_on", WARNING, "not before its parent"),
            Order("terminated_on", "starts_on", WARNING, "not before its parent"),
        ),
    ),
    "web_sessions": TableRules(
        ranges=(Range("pageviews", min_value=1), Range("duration_seconds", min_value=0)),
        events=("started_at",),
    ),
    "newsletter_sends": TableRules(
        ranges=(Range("delivered", min_value=0), Range("unique_opens", min_value=0),
                Range("unique_clicks", min_value=0)),
        orders=(
            Order("delivered", "unique_opens", WARNING, "consistent values"),
            Order("unique_opens", "unique_clicks", WARNING, "consistent values"),
        ),
        events=("sent_at",),
    ),
    "downloads": TableRules(
        allowed={"asset_type": ("whitepaper", "ebook", "checklist", "other")},
        normalize={"asset_type": "lower"},
        references=(_ref("lead_id", "leads"),),
        events=("downloaded_at",),
    ),
    "social_daily": TableRules(
        ranges=(Range("new_follows", min_value=0), Range("likes", min_value=0)),
        events=("day",),
    ),
    "ad_spend_daily": TableRules(
        ranges=(Range("impressions", min_value=0), Range("clicks", min_value=0),
                Range("cost", min_value=0, rule="amounts >= 0")),
        orders=(Order("impressions", "clicks", WARNING, "consistent values"),),
        events=("day",),
    ),
    "contact_requests": TableRules(
        allowed={"channel": ("web_form", "email", "phone", "social")},
        normalize={"channel": "lower"},
        references=(_ref("lead_id", "leads"),),
        events=("received_at",),
    ),
    "trainings": TableRules(
        references=(_ref("rep_id", "reps"),),
        ranges=(Range("hours", min_value=0, rule="amounts >= 0"),),
        events=("held_on",),
    ),
}


def unique_columns(table: str) -> tuple[str, ...]:
    """The columns that identify a row: the contract's key, else the rules' compound key."""
    return TABLES_BY_NAME[table].key or RULES[table].unique


def frame_column(column) -> str:
    """A contract column's name in the frame: personal data only as has_<column>."""
    return f"has_{column.name}" if column.personal else column.name


def _sql_literal(value) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def suspect_predicates(table_name: str) -> list[str]:
    """SQL conditions on a frame row, one per expectation of the table's suite: a row that
    meets none of them passes every row-level expectation. The frame hands GX only rows that
    meet one (GX judges them); a duplicated key is added in SQL (macros/dq_frame.sql). Each is
    a superset of what its expectation rejects, never narrower."""
    table = TABLES_BY_NAME[table_name]
    r = RULES[table_name]
    key = unique_columns(table_name)
    out = []
    for c in table.columns:
        if c.type in ("ts", "date", "num", "int", "bool"):
            out.append(f"{c.name}__unparsed is not null")
        if not c.nullable or c.name in key:
            out.append(f"{frame_column(c)} is null")
    out += [f"{x.column}__unresolved is not null" for x in r.references]
    out += [f"{name} not in ({', '.join(_sql_literal(v) for v in values)})"
            for name, values in r.allowed.items()]
    out += [f"not regexp_matches({name}, {_sql_literal(pattern)})"
            for name, pattern in r.regex.items()]
    for rng in r.ranges:
        if rng.min_value is not None:
            out.append(f"{rng.column} {'<=' if rng.strict_min else '<'} {rng.min_value!r}")
        if rng.max_value is not None:
            out.append(f"{rng.column} > {rng.max_value!r}")
    # a day's margin: GX compares with the exact moment the gate runs
    out += [f"{name} > cast(now() at time zone 'UTC' as timestamp) - interval 1 day"
            for name in r.events]
    out += [f"{p.column} < {p.frame_column}" for p in r.parents]
    out += [f"{o.column_a} < {o.column_b}" for o in r.orders]
    out += [f"{c.when_column} = {_sql_literal(c.when_value)} and {c.column} is null"
            for c in r.conditions]
    if table_name == "lead_stage_events":
        out += ["crm_stage__unmapped is not null",
                "lost_reason is not null and funnel_stage is distinct from 'lost'"]
    return out


def valued_columns(table: str) -> list[str]:
    """The text columns whose values a suite looks at (keys, allowed values, patterns); the
    frame hands every other text column over only as set or not (smaller and faster)."""
    r = RULES[table]
    names = set(unique_columns(table)) | set(r.allowed) | set(r.regex) | set(r.normalize)
    return [c.name for c in TABLES_BY_NAME[table].columns
            if c.name in names and c.type in ("id", "text")]


def _jinja_literal() -> str:
    """The SQL side of the rules as a Jinja literal (Python's repr of str/list/dict is one)."""
    lines = ["{"]
    for t in TABLES:
        r = RULES[t.name]
        refs = [{"column": x.column, "table": x.parent_table, "to": x.parent_column}
                for x in r.references]
        parents = [{"column": p.column, "via": p.via, "table": p.parent_table,
                    "key": p.parent_key, "parent_column": p.parent_column,
                    "frame_column": p.frame_column} for p in r.parents]
        lines.append(f"    '{t.name}': {{'key': {list(unique_columns(t.name))!r}, "
                     f"'normalize': {dict(sorted(r.normalize.items()))!r},")
        lines.append(f"        'valued': {valued_columns(t.name)!r},")
        lines.append(f"        'suspect': {suspect_predicates(t.name)!r},")
        lines.append(f"        'references': {refs!r},")
        lines.append(f"        'parents': {parents!r}}},")
    lines.append("}")
    return "\n".join(lines)


def render_macro() -> str:
    return (
        "{#- generated by `python python_checks/dq_rules.py` from python_checks/dq_rules.py:"
        " do not edit by hand -#}\n"
        "{% macro dq_rules() %}\n"
        "{{ return(" + _jinja_literal() + ") }}\n"
        "{% endmacro %}\n"
    )


if __name__ == "__main__":
    (PROJECT_DIR / "macros" / "dq_rules.sql").write_text(render_macro(), encoding="utf-8")
