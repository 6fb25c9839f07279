"""An independent reference implementation of kpis.md in pandas, written from the spec alone
(/work/shared/spec/kpis.md, input-contract.md, worked-examples.md), without reading the
project's SQL. It exists to check `marts.kpi_monthly` number by number.

    from reference_kpis import reference_kpis
    frame = reference_kpis("seeds/demo", as_of="2025-06-30")

The result has kpi_monthly's columns (kpi_code, period_month, slice_type, slice_value,
numerator, denominator, value, is_mature) plus `required`: True where kpis.md says the row
must exist (nonzero denominator or count; breakdown slices only with a nonzero numerator;
Kaplan-Meier statistics for every month with a relationship in scope), False for rows the
spec allows to be left out (they are emitted only where cheap and are never a failure).

Deliberately plain: one function per section, loops over months, sets of account ids.
Sections 10 (marketing) and 11 (people) are at the end, separated.

Readings where kpis.md leaves room (each is marked where it is coded):
- cancellation_reason rows of cancellation_rate_value (net_amount cancelled for the reason /
  net_amount ordered) are optional: section 2 may mean the slice for cancellation_rate only.
- relationship_survival_1y/3y are null until the longest duration observed (ended or
  censored) is >= 365 / >= 1096 days ("observed at least that long").
- 11: rep_ramp_up_days counts non-cancelled orders credited by the end of M; a month with
  hired reps but no first order yet has a null row (optional). training_hours_per_rep: team
  slice = the team's reps' hours / the team's reps employed on any day of M up to its end.
  conversion_spread: order_won reached by as_of (the funnel rule), reps with >= 30 leads
  created in the 12 months, a null row (optional) with fewer than two such reps.
- 10: breakdown rows of ratios (cpc, newsletter_ctr, pages_per_visit, avg_visit_duration)
  are required where numerator and denominator are nonzero; web_visitors per web_channel
  counts distinct visitors within the channel.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator
from fractions import Fraction
from pathlib import Path

import pandas as pd

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_MAPPING = PROJECT_DIR / "seeds" / "config" / "funnel_stage_mapping.csv"

COLUMNS = [
    "kpi_code", "period_month", "slice_type", "slice_value",
    "numerator", "denominator", "value", "is_mature",
]

# columns that need a type other than text (input-contract.md)
TYPES: dict[str, dict[str, str]] = {
    "reps": {"hired_on": "date", "left_on": "date"},
    "accounts": {"created_at": "ts"},
    "leads": {"created_at": "ts"},
    "lead_stage_events": {"entered_at": "ts"},
    "orders": {"ordered_at": "ts", "net_amount": "num"},
    "cancellations": {"cancelled_at": "ts", "refunded_amount": "num"},
    "complaints": {"opened_at": "ts", "closed_at": "ts", "is_warranty_claim": "bool"},
    "activities": {"occurred_at": "ts", "duration_minutes": "num"},
    "referrals": {"referred_at": "ts"},
    "feedback": {"submitted_at": "ts", "nps_score": "num"},
    "contracts": {"starts_on": "date", "ends_on": "date", "terminated_on": "date",
                  "annual_value": "num"},
    "web_sessions": {"started_at": "ts", "pageviews": "num", "duration_seconds": "num"},
    "newsletter_sends": {"sent_at": "ts", "delivered": "num", "unique_opens": "num",
                         "unique_clicks": "num"},
    "downloads": {"downloaded_at": "ts"},
    "social_daily": {"day": "date", "new_follows": "num", "likes": "num"},
    "ad_spend_daily": {"day": "date", "impressions": "num", "clicks": "num", "cost": "num"},
    "contact_requests": {"received_at": "ts"},
    "trainings": {"held_on": "date", "hours": "num"},
}
# every column of the optional tables (input-contract.md), for a missing table's empty frame
OPTIONAL_COLUMNS = {
    "cancellations": "order_id cancelled_at reason refunded_amount",
    "complaints": "complaint_id order_id opened_at closed_at category is_warranty_claim",
    "activities": "activity_id account_id rep_id activity_type occurred_at duration_minutes",
    "referrals": "referral_id referring_account_id referred_at channel referred_lead_id",
    "feedback": "feedback_id account_id submitted_at channel nps_score comment",
    "contracts": "contract_id account_id starts_on ends_on terminated_on annual_value",
    "web_sessions": "session_id visitor_id started_at landing_page channel pageviews "
                    "duration_seconds",
    "newsletter_sends": "send_id sent_at newsletter delivered unique_opens unique_clicks",
    "downloads": "download_id downloaded_at asset_type asset_name lead_id",
    "social_daily": "day platform new_follows likes",
    "ad_spend_daily": "day platform campaign impressions clicks cost",
    "contact_requests": "request_id received_at channel lead_id",
    "trainings": "training_id rep_id held_on topic hours",
}
REQUIRED_TABLES = ("reps", "accounts", "leads", "lead_stage_events", "orders")

# kpis.md Conventions: the dates that are events (master data dates are not)
EVENT_COLUMNS = [
    ("leads", "created_at"), ("lead_stage_events", "entered_at"), ("orders", "ordered_at"),
    ("cancellations", "cancelled_at"), ("complaints", "opened_at"),
    ("activities", "occurred_at"), ("referrals", "referred_at"), ("feedback", "submitted_at"),
    ("web_sessions", "started_at"), ("newsletter_sends", "sent_at"),
    ("downloads", "downloaded_at"), ("social_daily", "day"), ("ad_spend_daily", "day"),
    ("contact_requests", "received_at"), ("trainings", "held_on"),
]

STAGES = ["lead", "first_meeting", "second_meeting", "offer_sent", "contract_sent", "order_won"]
STEPS = {
    "conv_lead_to_first_meeting": ("lead", "first_meeting"),
    "conv_first_to_second_meeting": ("first_meeting", "second_meeting"),
    "conv_second_meeting_to_offer": ("second_meeting", "offer_sent"),
    "conv_offer_to_contract": ("offer_sent", "contract_sent"),
    "conv_contract_to_order": ("contract_sent", "order_won"),
    "conv_lead_to_order": ("lead", "order_won"),
}
FUNNEL_CODES = set(STEPS) | {"referral_lead_conversion"}

DAY = pd.Timedelta(days=1)


# ---------------------------------------------------------------------------- loading

def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        # the same text a CSV export would hold, then parsed the same way
        frame = pd.read_parquet(path).astype(object)
        frame = frame.map(lambda v: None if pd.isna(v) else (
            v.isoformat() if hasattr(v, "isoformat") else str(v)))
        return frame
    return pd.read_csv(path, dtype=object, keep_default_na=False, na_values=[""],
                       encoding="utf-8")


def _utc_date(values: pd.Series) -> pd.Series:
    """The UTC calendar date of ISO 8601 timestamps (UTC unless an offset is given)."""
    parsed = pd.to_datetime(values, utc=True, format="ISO8601")
    return parsed.dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")


def _bool(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().str.lower().isin(["true", "t", "1", "yes", "y"])


def load_export(data_dir: str | Path) -> dict[str, pd.DataFrame | None]:
    """Every contract table of the folder, typed; None for a missing optional table.
    Timestamps become their UTC date (every rule in kpis.md works on UTC dates)."""
    folder = Path(data_dir)
    tables: dict[str, pd.DataFrame | None] = {}
    for name, types in TYPES.items():
        path = next((folder / f"{name}.{ext}" for ext in ("csv", "parquet")
                     if (folder / f"{name}.{ext}").exists()), None)
        if path is None:
            if name in REQUIRED_TABLES:
                raise FileNotFoundError(f"required table {name} missing in {folder}")
            tables[name] = None
            continue
        frame = _read(path)
        for column, kind in types.items():
            if column not in frame.columns:
                continue
            if kind == "ts":
                frame[column] = _utc_date(frame[column])
            elif kind == "date":
                frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d").astype(
                    "datetime64[ns]")
            elif kind == "num":
                frame[column] = pd.to_numeric(frame[column]).astype(float)
            elif kind == "bool":
                frame[column] = _bool(frame[column])
        tables[name] = frame
    mapping_path = folder / "funnel_stage_mapping.csv"
    tables["funnel_stage_mapping"] = _read(
        mapping_path if mapping_path.exists() else DEFAULT_MAPPING)
    return tables


# ---------------------------------------------------------------------------- helpers

def month_last_day(month: pd.Timestamp) -> pd.Timestamp:
    return month + pd.offsets.MonthEnd(0)


def ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else numerator / denominator


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return float(ordered[mid]) if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def slices(frame: pd.DataFrame, spec: Iterable[tuple[str, str | None]]
           ) -> Iterator[tuple[str, str, pd.DataFrame]]:
    """(slice_type, slice_value, rows) for each slice: company = all rows, else one group per
    non-empty value of the named column."""
    for slice_type, column in spec:
        if column is None:
            yield "company", "all", frame
            continue
        for value, group in frame.groupby(column, dropna=True, sort=True):
            yield slice_type, str(value), group


class Reference:
    def __init__(self, data_dir: str | Path, as_of: str | None = None, *,
                 funnel_maturity_days: int = 90, churn_inactivity_days: int = 365,
                 conversion_spread_min_leads: int = 30) -> None:
        self.t = load_export(data_dir)
        self.maturity_days = funnel_maturity_days
        self.inactivity_days = churn_inactivity_days
        self.spread_min_leads = conversion_spread_min_leads

        event_dates = pd.concat([
            self.t[table][column] for table, column in EVENT_COLUMNS
            if self.t.get(table) is not None and len(self.t[table])
        ])
        self.as_of = pd.Timestamp(as_of) if as_of else event_dates.max()
        first_month = event_dates.min().to_period("M").to_timestamp()
        self.months = list(pd.date_range(first_month, self.as_of.to_period("M").to_timestamp(),
                                         freq="MS"))
        self.rows: list[dict] = []
        self._maturity: dict[tuple[bool, pd.Timestamp], bool] = {}
        self._active: dict[pd.Timestamp, set[str]] = {}
        self._stages: pd.DataFrame | None = None
        self._prepare()

    # ------------------------------------------------------------------ shared state
    def has(self, table: str) -> bool:
        return self.t.get(table) is not None

    def table(self, name: str, date_column: str | None = None) -> pd.DataFrame:
        """A table (empty frame if missing), without rows dated after as_of."""
        frame = self.t.get(name)
        if frame is None:  # a missing optional table: computed as if empty
            columns = OPTIONAL_COLUMNS[name].split()
            frame = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
            for column, kind in TYPES[name].items():
                frame[column] = frame[column].astype(
                    {"ts": "datetime64[ns]", "date": "datetime64[ns]", "num": float,
                     "bool": bool}[kind])
            return frame
        if date_column is not None:
            frame = frame[frame[date_column] <= self.as_of]
        return frame.copy()

    def end_of(self, month: pd.Timestamp) -> pd.Timestamp:
        return min(month_last_day(month), self.as_of)

    def is_closed(self, month: pd.Timestamp) -> bool:
        return bool(month_last_day(month) < self.as_of)

    def is_funnel_mature(self, month: pd.Timestamp) -> bool:
        return bool(month_last_day(month) + pd.Timedelta(days=self.maturity_days) <= self.as_of)

    def maturity(self, code: str, month: pd.Timestamp) -> bool:
        key = (code in FUNNEL_CODES, month)
        if key not in self._maturity:
            self._maturity[key] = (self.is_funnel_mature(month) if key[0]
                                   else self.is_closed(month))
        return self._maturity[key]

    def window_start(self, month: pd.Timestamp, months: int = 12) -> pd.Timestamp:
        return month - pd.DateOffset(months=months - 1)

    def add(self, code: str, month: pd.Timestamp, slice_type: str, slice_value: str,
            numerator: float | None, denominator: float | None, value: float | None,
            required: bool) -> None:
        mature = self.maturity(code, month)
        self.rows.append({
            "kpi_code": code, "period_month": month.date(), "slice_type": slice_type,
            "slice_value": slice_value,
            "numerator": None if numerator is None else float(numerator),
            "denominator": None if denominator is None else float(denominator),
            "value": None if value is None else float(value),
            "is_mature": mature, "required": required,
        })

    def add_ratio(self, code: str, month: pd.Timestamp, slice_type: str, slice_value: str,
                  numerator: float, denominator: float, breakdown: bool = False) -> None:
        required = denominator != 0 and (numerator != 0 or not breakdown)
        self.add(code, month, slice_type, slice_value, numerator, denominator,
                 ratio(numerator, denominator), required)

    def add_count(self, code: str, month: pd.Timestamp, slice_type: str, slice_value: str,
                  count: float) -> None:
        self.add(code, month, slice_type, slice_value, None, None, count, count != 0)

    def _prepare(self) -> None:
        accounts = self.t["accounts"][["account_id", "segment", "owner_rep_id"]]
        self.accounts = accounts.set_index("account_id")
        self.rep_team = self.t["reps"].set_index("rep_id")["team"]

        # orders up to as_of, with account attributes and their cancellation judged at as_of
        orders = self.table("orders", "ordered_at")
        orders = orders.merge(accounts, on="account_id", how="left")
        cancellations = self.table("cancellations", "cancelled_at")
        cancelled = cancellations.groupby("order_id")["reason"].agg(
            lambda reasons: sorted(set(reasons.dropna())))
        orders["is_cancelled"] = orders["order_id"].isin(cancellations["order_id"])
        orders["cancel_reasons"] = orders["order_id"].map(cancelled)
        self.orders_all = orders
        self.orders = orders[~orders["is_cancelled"]].copy()  # "an order is a non-cancelled one"

        contracts = self.table("contracts")
        if len(contracts):
            end = contracts[["ends_on", "terminated_on"]].min(axis=1)  # NaT-skipping
            contracts = contracts.assign(runs_to=end)
        else:
            contracts = contracts.assign(runs_to=pd.Series(dtype="datetime64[ns]"))
        self.contracts = contracts

        self.first_order = self.orders.groupby("account_id")["ordered_at"].min()

    def active_accounts(self, day: pd.Timestamp) -> set[str]:
        """Active on day d: a (non-cancelled) order in (d - 365, d] or a contract running on d."""
        if day not in self._active:
            self._active[day] = self._active_accounts(day)
        return self._active[day]

    def _active_accounts(self, day: pd.Timestamp) -> set[str]:
        window = pd.Timedelta(days=self.inactivity_days)
        orders = self.orders
        by_order = orders.loc[(orders["ordered_at"] > day - window)
                              & (orders["ordered_at"] <= day), "account_id"]
        c = self.contracts
        running = (c["starts_on"] <= day) & (c["runs_to"].isna() | (c["runs_to"] >= day))
        return set(by_order) | set(c.loc[running, "account_id"])

    def account_frame(self, account_ids: Iterable[str]) -> pd.DataFrame:
        ids = sorted(account_ids)
        frame = self.accounts.reindex(ids)
        frame.index.name = "account_id"
        return frame.reset_index()

    # ------------------------------------------------------------------ 1 funnel
    def stages_reached(self) -> pd.DataFrame:
        """One row per lead: lead attributes and the date each stage was reached (NaT if not
        by as_of). A stage counts as reached at the earliest entry of it or any later stage;
        an order with the lead's id is an order_won event."""
        if self._stages is None:
            self._stages = self._stages_reached()
        return self._stages.copy()

    def _stages_reached(self) -> pd.DataFrame:
        leads = self.table("leads", "created_at")
        mapping = self.t["funnel_stage_mapping"]
        lookup = dict(zip(mapping["crm_stage"].str.strip().str.lower(),
                          mapping["funnel_stage"].str.strip(), strict=True))
        events = self.table("lead_stage_events", "entered_at")
        stage_names = events["crm_stage"].astype(str).str.strip().str.lower()
        unmapped = set(stage_names) - set(lookup)
        if unmapped:
            raise ValueError(f"unmapped stages: {sorted(unmapped)}")
        events = pd.DataFrame({"lead_id": events["lead_id"], "stage": stage_names.map(lookup),
                               "at": events["entered_at"]})
        won = self.orders_all.loc[self.orders_all["lead_id"].notna(), ["lead_id", "ordered_at"]]
        events = pd.concat([
            events,
            pd.DataFrame({"lead_id": won["lead_id"], "stage": "order_won",
                          "at": won["ordered_at"]}),
            pd.DataFrame({"lead_id": leads["lead_id"], "stage": "lead",
                          "at": leads["created_at"]}),
        ])
        events = events[events["stage"].isin(STAGES)]
        first = events.groupby(["lead_id", "stage"])["at"].min().unstack()
        first = first.reindex(columns=STAGES).reindex(leads["lead_id"])
        # reached s = earliest of s and every later stage (a skipped stage counts as passed)
        reached = pd.DataFrame({stage: first[STAGES[i:]].min(axis=1)
                                for i, stage in enumerate(STAGES)})
        out = leads[["lead_id", "account_id", "owner_rep_id", "lead_source"]].copy()
        out = out.merge(self.accounts[["segment"]], left_on="account_id", right_index=True,
                        how="left")
        out["team"] = out["owner_rep_id"].map(self.rep_team)
        for stage in STAGES:
            out[stage] = reached[stage].astype("datetime64[ns]").to_numpy()
        return out

    def funnel(self) -> None:
        leads = self.stages_reached()
        spec = [("company", None), ("rep", "owner_rep_id"), ("team", "team"),
                ("segment", "segment"), ("lead_source", "lead_source")]
        leads["company"] = "all"
        jobs = [(code, s, t, leads, spec) for code, (s, t) in STEPS.items()]
        jobs.append(("referral_lead_conversion", "lead", "order_won",
                     leads[leads["lead_source"] == "referral"], spec[:1] + spec[3:4]))
        for code, s, t, frame, slice_spec in jobs:
            # the denominator of month M: the leads that reached s in M (by as_of)
            frame = frame[frame[s].notna()].assign(month=frame[s].dt.to_period("M"))
            for slice_type, column in slice_spec:
                counts = frame.groupby(["month", column or "company"], dropna=True).agg(
                    reached_t=(t, "count"), reached_s=(s, "size"))
                for (period, slice_value), row in counts.iterrows():
                    self.add_ratio(code, period.to_timestamp(), slice_type, str(slice_value),
                                   row["reached_t"], row["reached_s"])

    # ------------------------------------------------------------------ 2 and 3 order quality
    def order_quality(self) -> None:
        orders = self.orders_all.copy()  # cancelled or not
        spec = [("company", None), ("rep", "rep_id"), ("segment", "segment")]
        has_cancellations = self.has("cancellations")
        has_complaints = self.has("complaints")
        complaints = self.table("complaints", "opened_at")
        complaint_orders = set(complaints["order_id"])
        orders["has_complaint"] = orders["order_id"].isin(complaint_orders)
        categories = sorted(complaints["category"].dropna().unique())
        for category in categories:
            ids = set(complaints.loc[complaints["category"] == category, "order_id"])
            orders[f"cat_{category}"] = orders["order_id"].isin(ids)
        reasons = sorted({r for rs in orders["cancel_reasons"].dropna() for r in rs})
        warranty = complaints[complaints["is_warranty_claim"].astype(bool)].merge(
            self.orders_all[["order_id", "rep_id", "segment"]], on="order_id", how="left")
        warranty["month"] = warranty["opened_at"].dt.to_period("M").dt.to_timestamp()

        for month in self.months:
            end = self.end_of(month)
            placed = orders[(orders["ordered_at"] >= month) & (orders["ordered_at"] <= end)]
            for slice_type, slice_value, group in slices(placed, spec):
                if has_cancellations:
                    self.add_ratio("cancellation_rate", month, slice_type, slice_value,
                                   group["is_cancelled"].sum(), len(group))
                    self.add_ratio("cancellation_rate_value", month, slice_type, slice_value,
                                   group.loc[group["is_cancelled"], "net_amount"].sum(),
                                   group["net_amount"].sum())
                if has_complaints:
                    self.add_ratio("complaint_rate", month, slice_type, slice_value,
                                   group["has_complaint"].sum(), len(group))
            if has_cancellations:
                for reason in reasons:
                    n = placed["cancel_reasons"].map(
                        lambda rs, r=reason: isinstance(rs, list) and r in rs).sum()
                    self.add_ratio("cancellation_rate", month, "cancellation_reason", reason,
                                   n, len(placed), breakdown=True)
                    # AMBIGUOUS: kpis.md 2 names the reason slice after both codes; whether
                    # cancellation_rate_value has it too is open, so its rows are optional
                    # (checked where published, never required)
                    amount = placed.loc[placed["cancel_reasons"].map(
                        lambda rs, r=reason: isinstance(rs, list) and r in rs), "net_amount"]
                    self.add("cancellation_rate_value", month, "cancellation_reason", reason,
                             amount.sum(), placed["net_amount"].sum(),
                             ratio(amount.sum(), placed["net_amount"].sum()), False)
            if has_complaints:
                for category in categories:
                    self.add_ratio("complaint_rate", month, "complaint_category", category,
                                   placed[f"cat_{category}"].sum(), len(placed),
                                   breakdown=True)
                opened = warranty[warranty["month"] == month]
                for slice_type, slice_value, group in slices(opened, spec):
                    self.add_count("warranty_cases", month, slice_type, slice_value, len(group))

    # ------------------------------------------------------------------ 4 repeat purchases
    def repeat_purchases(self) -> None:
        for month in self.months:
            start, end = self.window_start(month), self.end_of(month)
            window = self.orders[(self.orders["ordered_at"] >= start)
                                 & (self.orders["ordered_at"] <= end)]
            per_account = window.groupby("account_id").size().rename("n").reset_index()
            per_account = per_account.merge(self.accounts[["segment"]], left_on="account_id",
                                            right_index=True, how="left")
            for slice_type, slice_value, group in slices(
                    per_account, [("company", None), ("segment", "segment")]):
                self.add_ratio("repeat_purchase_rate_12m", month, slice_type, slice_value,
                               (group["n"] >= 2).sum(), len(group))

    # ------------------------------------------------------------------ 5, 8 churn, new
    def churn_and_new(self) -> None:
        spec = [("company", None), ("segment", "segment"), ("rep", "owner_rep_id")]
        for month in self.months:
            end = self.end_of(month)
            before = self.active_accounts(month - DAY)  # end of M-1
            now = self.active_accounts(end)
            base = self.account_frame(before)
            base["churned"] = ~base["account_id"].isin(now)
            new_ids = set(self.first_order[(self.first_order >= month)
                                           & (self.first_order <= end)].index)
            base_and_new = self.account_frame(before | new_ids)
            base_and_new["in_base"] = base_and_new["account_id"].isin(before)
            base_and_new["is_new"] = base_and_new["account_id"].isin(new_ids)
            for slice_type, slice_value, group in slices(base, spec):
                self.add_ratio("churn_rate", month, slice_type, slice_value,
                               group["churned"].sum(), len(group))
            for slice_type, slice_value, group in slices(base_and_new, spec):
                self.add_ratio("new_to_existing_ratio", month, slice_type, slice_value,
                               group["is_new"].sum(), group["in_base"].sum())
            placed = self.orders[(self.orders["ordered_at"] >= month)
                                 & (self.orders["ordered_at"] <= end)].copy()
            placed["is_new"] = placed["account_id"].isin(new_ids)
            for slice_type, slice_value, group in slices(placed, spec):
                self.add_ratio("new_customer_revenue_share", month, slice_type, slice_value,
                               group.loc[group["is_new"], "net_amount"].sum(),
                               group["net_amount"].sum())

    # ------------------------------------------------------------------ 6 contacts
    def contacts(self) -> None:
        if not self.has("activities"):
            return
        activities = self.table("activities", "occurred_at")
        spec = [("company", None), ("rep", "owner_rep_id"), ("segment", "segment")]
        for month in self.months:
            end = self.end_of(month)
            active = self.active_accounts(end)
            base = self.account_frame(active)
            acts = activities[(activities["occurred_at"] >= month)
                              & (activities["occurred_at"] <= end)
                              & activities["account_id"].isin(active)]
            acts = acts.merge(self.accounts[["segment", "owner_rep_id"]], left_on="account_id",
                              right_index=True, how="left")
            acts["personal"] = acts["activity_type"].isin(["visit", "event"])
            recent = activities[(activities["occurred_at"] > end - pd.Timedelta(days=90))
                                & (activities["occurred_at"] <= end)]
            base["no_contact"] = ~base["account_id"].isin(set(recent["account_id"]))
            for slice_type, slice_value, group in slices(base, spec):
                if slice_type == "company":
                    slice_acts = acts
                else:
                    column = dict(spec)[slice_type]
                    slice_acts = acts[acts[column] == slice_value]
                self.add_ratio("contacts_per_active_customer", month, slice_type, slice_value,
                               len(slice_acts), len(group))
                self.add_ratio("customers_without_contact_90d", month, slice_type, slice_value,
                               group["no_contact"].sum(), len(group))
                self.add_ratio("personal_contact_share", month, slice_type, slice_value,
                               slice_acts["personal"].sum(), len(slice_acts))
            for activity_type, group in acts.groupby("activity_type"):
                self.add_ratio("contacts_per_active_customer", month, "activity_type",
                               str(activity_type), len(group), len(base), breakdown=True)

    # ------------------------------------------------------------------ 7 relationships
    def relationship_ends(self) -> pd.DataFrame:
        """Per account with an order: start (first order) and the first day after it on which
        the account is not active (NaT: never, e.g. an open-ended contract)."""
        span = pd.Timedelta(days=self.inactivity_days - 1)  # an order covers o .. o+364
        intervals: dict[str, list[tuple[pd.Timestamp, pd.Timestamp | None]]] = {}
        for account_id, day in zip(self.orders["account_id"], self.orders["ordered_at"],
                                   strict=True):
            intervals.setdefault(account_id, []).append((day, day + span))
        for account_id, start, runs_to in zip(self.contracts["account_id"],
                                              self.contracts["starts_on"],
                                              self.contracts["runs_to"], strict=True):
            if pd.notna(runs_to) and runs_to < start:
                continue
            intervals.setdefault(account_id, []).append(
                (start, None if pd.isna(runs_to) else runs_to))
        rows = []
        for account_id, start in self.first_order.items():
            covered_to: pd.Timestamp | None = start  # the account is active on its start day
            open_ended = False
            changed = True
            while changed and not open_ended:
                changed = False
                for lo, hi in intervals[account_id]:
                    if lo <= covered_to + DAY and (hi is None or hi > covered_to):
                        if hi is None:
                            open_ended = True
                            break
                        covered_to, changed = hi, True
            ends = pd.NaT if open_ended else covered_to + DAY
            rows.append({"account_id": account_id, "start": start, "first_inactive": ends})
        frame = pd.DataFrame(rows, columns=["account_id", "start", "first_inactive"])
        return frame.merge(self.accounts[["segment"]], left_on="account_id", right_index=True,
                           how="left")

    @staticmethod
    def kaplan_meier(durations: list[int], events: list[bool]) -> list[tuple[int, Fraction]]:
        """[(t, S(t))] at each event time; events before censorings at equal durations."""
        curve, survival = [], Fraction(1)  # exact: S = 0.5 must not read 0.50000000000000001
        for t in sorted({d for d, e in zip(durations, events, strict=True) if e}):
            at_risk = sum(1 for d in durations if d >= t)
            died = sum(1 for d, e in zip(durations, events, strict=True) if e and d == t)
            survival *= 1 - Fraction(died, at_risk)
            curve.append((t, survival))
        return curve

    def relationships(self) -> None:
        rel = self.relationship_ends()
        for month in self.months:
            end = self.end_of(month)
            started = rel[rel["start"] <= end]
            for slice_type, slice_value, group in slices(
                    started, [("company", None), ("segment", "segment")]):
                if group.empty:
                    continue
                durations, events = [], []
                for start, first_inactive in zip(group["start"], group["first_inactive"],
                                                  strict=True):
                    if pd.notna(first_inactive) and first_inactive <= end:
                        durations.append((first_inactive - start).days)
                        events.append(True)
                    else:
                        durations.append((end + DAY - start).days)
                        events.append(False)
                curve = self.kaplan_meier(durations, events)
                median_days = next((t for t, s in curve if s <= 0.5), None)
                self.add("relationship_years_median", month, slice_type, slice_value, None,
                         None, None if median_days is None else median_days / 365.25, True)
                for code, days in (("relationship_survival_1y", 365),
                                   ("relationship_survival_3y", 1096)):
                    value = None
                    if max(durations) >= days:
                        value = 1.0
                        for t, s in curve:
                            if t <= days:
                                value = float(s)
                    self.add(code, month, slice_type, slice_value, None, None, value, True)

    # ------------------------------------------------------------------ 9 referrals, feedback
    def referrals_and_feedback(self) -> None:
        spec = [("company", None), ("segment", "segment")]
        referrals = self.table("referrals", "referred_at")
        feedback = self.table("feedback", "submitted_at")
        if len(feedback):
            feedback = feedback.merge(self.accounts[["segment"]], left_on="account_id",
                                      right_index=True, how="left")
        else:
            feedback["segment"] = pd.Series(dtype=str)
        for month in self.months:
            end = self.end_of(month)
            if self.has("referrals"):
                active = self.account_frame(self.active_accounts(end))
                in_window = referrals[(referrals["referred_at"] >= self.window_start(month))
                                      & (referrals["referred_at"] <= end)]
                active["referred"] = active["account_id"].isin(
                    set(in_window["referring_account_id"]))
                for slice_type, slice_value, group in slices(active, spec):
                    self.add_ratio("referral_rate_12m", month, slice_type, slice_value,
                                   group["referred"].sum(), len(group))
            if self.has("feedback"):
                in_month = feedback[(feedback["submitted_at"] >= month)
                                    & (feedback["submitted_at"] <= end)]
                scored = in_month[(in_month["channel"] == "nps_survey")
                                  & in_month["nps_score"].notna()]
                for slice_type, slice_value, group in slices(scored, spec):
                    net = (group["nps_score"] >= 9).sum() - (group["nps_score"] <= 6).sum()
                    n = len(group)
                    self.add("nps", month, slice_type, slice_value, net, n,
                             None if n == 0 else 100 * net / n, n != 0)
                for slice_type, slice_value, group in slices(
                        in_month, [*spec, ("feedback_channel", "channel")]):
                    self.add_count("feedback_count", month, slice_type, slice_value,
                                   len(group))

    # ------------------------------------------------------------------ 10 marketing
    def marketing(self) -> None:
        def in_month(frame: pd.DataFrame, column: str, month: pd.Timestamp) -> pd.DataFrame:
            return frame[(frame[column] >= month) & (frame[column] <= self.end_of(month))]

        for month in self.months:
            if self.has("web_sessions"):
                sessions = in_month(self.table("web_sessions"), "started_at", month)
                for slice_type, slice_value, group in slices(
                        sessions, [("company", None), ("web_channel", "channel")]):
                    self.add_count("web_visitors", month, slice_type, slice_value,
                                   group["visitor_id"].nunique())
                    self.add_count("web_sessions", month, slice_type, slice_value, len(group))
                    breakdown = slice_type != "company"
                    self.add_ratio("avg_visit_duration_seconds", month, slice_type,
                                   slice_value, group["duration_seconds"].sum(), len(group),
                                   breakdown)
                    self.add_ratio("pages_per_visit", month, slice_type, slice_value,
                                   group["pageviews"].sum(), len(group), breakdown)
            if self.has("newsletter_sends"):
                sends = in_month(self.table("newsletter_sends"), "sent_at", month)
                for slice_type, slice_value, group in slices(
                        sends, [("company", None), ("newsletter", "newsletter")]):
                    self.add_ratio("newsletter_ctr", month, slice_type, slice_value,
                                   group["unique_clicks"].sum(), group["delivered"].sum(),
                                   slice_type != "company")
            if self.has("downloads"):
                downloads = in_month(self.table("downloads"), "downloaded_at", month)
                for slice_type, slice_value, group in slices(
                        downloads, [("company", None), ("asset_type", "asset_type")]):
                    self.add_count("downloads", month, slice_type, slice_value, len(group))
            if self.has("social_daily"):
                social = in_month(self.table("social_daily"), "day", month)
                for slice_type, slice_value, group in slices(
                        social, [("company", None), ("platform", "platform")]):
                    self.add_count("social_follows", month, slice_type, slice_value,
                                   group["new_follows"].sum())
                    self.add_count("social_likes", month, slice_type, slice_value,
                                   group["likes"].sum())
            if self.has("contact_requests"):
                requests = in_month(self.table("contact_requests"), "received_at", month)
                for slice_type, slice_value, group in slices(
                        requests, [("company", None), ("request_channel", "channel")]):
                    self.add_count("contact_requests", month, slice_type, slice_value,
                                   len(group))
            if self.has("ad_spend_daily"):
                ads = in_month(self.table("ad_spend_daily"), "day", month)
                for slice_type, slice_value, group in slices(
                        ads, [("company", None), ("platform", "platform")]):
                    self.add_ratio("cpc", month, slice_type, slice_value, group["cost"].sum(),
                                   group["clicks"].sum(), slice_type != "company")

    # ------------------------------------------------------------------ 11 people
    def people(self) -> None:
        reps = self.t["reps"]
        spec = [("company", None), ("team", "team")]
        first_credit = self.orders.groupby("rep_id")["ordered_at"].min()  # checked per month
        leads = self.stages_reached() if len(self.t["leads"]) else None
        trainings = self.table("trainings", "held_on")
        trainings = trainings.assign(team=trainings["rep_id"].map(self.rep_team))
        for month in self.months:
            end = self.end_of(month)
            start12 = self.window_start(month)
            # rep_ramp_up_days
            hired = reps[(reps["hired_on"] >= start12) & (reps["hired_on"] <= end)].copy()
            hired["first_order"] = hired["rep_id"].map(first_credit)
            hired["days"] = (hired["first_order"] - hired["hired_on"]).dt.days
            hired.loc[hired["first_order"] > end, "days"] = None
            for slice_type, slice_value, group in slices(hired, spec):
                days = [float(d) for d in group["days"].dropna()]
                value = median(days)
                self.add("rep_ramp_up_days", month, slice_type, slice_value, None, None,
                         value, value is not None)
            # training_hours_per_rep
            if self.has("trainings"):
                employed = reps[(reps["hired_on"] <= end)
                                & (reps["left_on"].isna() | (reps["left_on"] >= month))]
                held = trainings[(trainings["held_on"] >= month)
                                 & (trainings["held_on"] <= end)]
                for slice_type, slice_value, group in slices(employed, spec):
                    hours = held if slice_type == "company" else held[
                        held["team"] == slice_value]
                    self.add_ratio("training_hours_per_rep", month, slice_type, slice_value,
                                   hours["hours"].sum(), len(group))
            # conversion_spread
            if leads is not None:
                created = leads[(leads["lead"] >= start12) & (leads["lead"] <= end)]
                for slice_type, slice_value, group in slices(created, spec):
                    n = group["owner_rep_id"].value_counts()
                    won = group.loc[group["order_won"].notna(), "owner_rep_id"].value_counts()
                    n = n[n >= self.spread_min_leads]
                    rates = won.reindex(n.index, fill_value=0) / n
                    value = float(rates.max() - rates.min()) if len(rates) >= 2 else None
                    self.add("conversion_spread", month, slice_type, slice_value, None, None,
                             value, value is not None)

    # ------------------------------------------------------------------ all
    def compute(self, sections: str = "1-11") -> pd.DataFrame:
        self.rows = []
        self.funnel()
        self.order_quality()
        self.repeat_purchases()
        self.churn_and_new()
        self.contacts()
        self.relationships()
        self.referrals_and_feedback()
        if sections == "1-11":
            self.marketing()
            self.people()
        frame = pd.DataFrame(self.rows, columns=[*COLUMNS, "required"])
        return frame.sort_values(COLUMNS[:4]).reset_index(drop=True)


def reference_kpis(data_dir: str | Path, as_of: str | None = None, sections: str = "1-11",
                   **settings: int) -> pd.DataFrame:
    """kpi_monthly as kpis.md defines it (sections '1-9' or '1-11'), plus `required`."""
    return Reference(data_dir, as_of, **settings).compute(sections)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir")
    parser.add_argument("--as-of")
    parser.add_argument("--out", help="CSV file to write (default: print a summary)")
    args = parser.parse_args()
    frame = reference_kpis(args.data_dir, args.as_of)
    if args.out:
        frame.to_csv(args.out, index=False)
    else:
        print(frame.groupby(["kpi_code", "slice_type"]).size().to_string())


if __name__ == "__main__":
    main()
