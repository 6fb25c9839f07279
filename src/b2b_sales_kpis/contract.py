"""The raw input contract (../shared/spec/input-contract.md) as data.

This module is the single source of truth for table and column names and types. The dbt macro
`macros/input_contract.sql` and the seed properties `seeds/demo/_demo__seeds.yml` are generated
from it (`python -m b2b_sales_kpis.contract`); a test keeps them in sync.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

# contract type -> how staging parses it (see macros/parse.sql)
CONTRACT_TYPES = ("id", "text", "ts", "date", "num", "int", "bool")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = False
    personal: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    source: str  # crm, marketing or people: the staging folder
    required: bool
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    must_have_rows: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(spec: str) -> Column:
    """Parse 'name:type[?][!]' where ? = may be empty and ! = personal data."""
    name, type_ = spec.split(":")
    nullable = "?" in type_
    personal = "!" in type_
    type_ = type_.replace("?", "").replace("!", "")
    assert type_ in CONTRACT_TYPES, spec
    return Column(name, type_, nullable, personal)


def _t(
    name: str, source: str, required: bool, key: str, cols: str, must_have_rows: bool = False
) -> Table:
    return Table(
        name=name,
        source=source,
        required=required,
        key=tuple(k for k in key.split(",") if k),
        columns=tuple(_c(s) for s in cols.split()),
        must_have_rows=must_have_rows,
    )


TABLES: tuple[Table, ...] = (
    _t("reps", "crm", True, "rep_id",
       "rep_id:id full_name:text! email:text! team:text hired_on:date left_on:date?",
       must_have_rows=True),
    _t("accounts", "crm", True, "account_id",
       "account_id:id account_name:text industry:text segment:text country:text "
       "created_at:ts owner_rep_id:id?",
       must_have_rows=True),
    _t("leads", "crm", True, "lead_id",
       "lead_id:id account_id:id owner_rep_id:id lead_source:text created_at:ts "
       "referred_by_account_id:id?"),
    _t("lead_stage_events", "crm", True, "",
       "lead_id:id crm_stage:text entered_at:ts lost_reason:text?"),
    _t("orders", "crm", True, "order_id",
       "order_id:id account_id:id lead_id:id? rep_id:id ordered_at:ts net_amount:num",
       must_have_rows=True),
    _t("cancellations", "crm", False, "order_id",
       "order_id:id cancelled_at:ts reason:text refunded_amount:num"),
    _t("complaints", "crm", False, "complaint_id",
       "complaint_id:id order_id:id opened_at:ts closed_at:ts? category:text "
       "is_warranty_claim:bool"),
    _t("activities", "crm", False, "activity_id",
       "activity_id:id account_id:id rep_id:id activity_type:text occurred_at:ts "
       "duration_minutes:int?"),
    _t("referrals", "crm", False, "referral_id",
       "referral_id:id referring_account_id:id referred_at:ts channel:text "
       "referred_lead_id:id?"),
    _t("feedback", "crm", False, "feedback_id",
       "feedback_id:id account_id:id submitted_at:ts channel:text nps_score:int? "
       "comment:text?!"),
    _t("contracts", "crm", False, "contract_id",
       "contract_id:id account_id:id starts_on:date ends_on:date? terminated_on:date? "
       "annual_value:num?"),
    _t("web_sessions", "marketing", False, "session_id",
       "session_id:id visitor_id:id started_at:ts landing_page:text channel:text "
       "pageviews:int duration_seconds:int"),
    _t("newsletter_sends", "marketing", False, "send_id",
       "send_id:id sent_at:ts newsletter:text delivered:int unique_opens:int "
       "unique_clicks:int"),
    _t("downloads", "marketing", False, "download_id",
       "download_id:id downloaded_at:ts asset_type:text asset_name:text lead_id:id?"),
    _t("social_daily", "marketing", False, "day,platform",
       "day:date platform:text new_follows:int likes:int"),
    _t("ad_spend_daily", "marketing", False, "day,platform,campaign",
       "day:date platform:text campaign:text impressions:int clicks:int cost:num"),
    _t("contact_requests", "marketing", False, "request_id",
       "request_id:id received_at:ts channel:text lead_id:id?"),
    _t("trainings", "people", False, "training_id",
       "training_id:id rep_id:id held_on:date topic:text hours:num"),
)

CONFIG_TABLES: tuple[Table, ...] = (
    _t("funnel_stage_mapping", "config", False, "crm_stage",
       "crm_stage:text funnel_stage:text"),
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}


def _jinja_bool(flag: bool) -> str:
    return "true" if flag else "false"


def _jinja_literal() -> str:
    lines = ["{"]
    for t in TABLES + CONFIG_TABLES:
        cols = ", ".join(
            f"{{'name': '{c.name}', 'type': '{c.type}', 'nullable': {_jinja_bool(c.nullable)}, "
            f"'personal': {_jinja_bool(c.personal)}}}"
            for c in t.columns
        )
        lines.append(
            f"    '{t.name}': {{'source': '{t.source}', 'required': {_jinja_bool(t.required)}, "
            f"'must_have_rows': {_jinja_bool(t.must_have_rows)}, 'key': {list(t.key)},"
        )
        lines.append(f"        'columns': [{cols}]}},")
    lines.append("}")
    return "\n".join(lines)


def render_macro() -> str:
    return (
        "{#- generated by `python -m b2b_sales_kpis.contract` from "
        "src/b2b_sales_kpis/contract.py: do not edit by hand -#}\n"
        "{% macro input_contract() %}\n"
        "{{ return(" + _jinja_literal() + ") }}\n"
        "{% endmacro %}\n"
    )


def render_seed_properties() -> str:
    """Demo seeds load every column as text: staging parses them exactly like an export."""
    out = [
        "# generated by `python -m b2b_sales_kpis.contract`: do not edit by hand",
        "version: 2",
        "",
        "seeds:",
    ]
    for t in TABLES:
        out.append(f"  - name: {t.name}")
        out.append(
            f"    description: \"Demo export of the contract table `{t.name}` "
            f"({'required' if t.required else 'optional'}), written by "
            "src/b2b_sales_kpis/demo_data.py; read only through staging.\""
        )
        out.append("    config:")
        out.append("      column_types:")
        for c in t.columns:
            out.append(f"        {c.name}: varchar")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2])
    args = parser.parse_args()
    (args.root / "macros" / "input_contract.sql").write_text(render_macro(), encoding="utf-8")
    (args.root / "seeds" / "demo" / "_demo__seeds.yml").write_text(
        render_seed_properties(), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
