"""The demo data generator: deterministic, contract-shaped, consistent, with its patterns."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from b2b_sales_kpis.contract import TABLES, TABLES_BY_NAME
from b2b_sales_kpis.demo_data import generate, write_export

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds" / "demo"
FIRST_EVENT = pd.Timestamp("2024-01-01T00:00:00Z")
LAST_EVENT = pd.Timestamp("2026-10-31T23:59:59Z")
TS_PATTERN = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")

EVENT_COLUMNS = {
    "leads": "created_at", "lead_stage_events": "entered_at", "orders": "ordered_at",
    "cancellations": "cancelled_at", "complaints": "opened_at", "activities": "occurred_at",
    "referrals": "referred_at", "feedback": "submitted_at", "web_sessions": "started_at",
    "newsletter_sends": "sent_at", "downloads": "downloaded_at",
    "contact_requests": "received_at",
}
EVENT_DATES = {"social_daily": "day", "ad_spend_daily": "day", "trainings": "held_on"}

FOREIGN_KEYS = (  # table, column -> table, column
    ("accounts", "owner_rep_id", "reps", "rep_id"),
    ("leads", "account_id", "accounts", "account_id"),
    ("leads", "owner_rep_id", "reps", "rep_id"),
    ("leads", "referred_by_account_id", "accounts", "account_id"),
    ("lead_stage_events", "lead_id", "leads", "lead_id"),
    ("orders", "account_id", "accounts", "account_id"),
    ("orders", "lead_id", "leads", "lead_id"),
    ("orders", "rep_id", "reps", "rep_id"),
    ("cancellations", "order_id", "orders", "order_id"),
    ("complaints", "order_id", "orders", "order_id"),
    ("activities", "account_id", "accounts", "account_id"),
    ("activities", "rep_id", "reps", "rep_id"),
    ("referrals", "referring_account_id", "accounts", "account_id"),
    ("referrals", "referred_lead_id", "leads", "lead_id"),
    ("feedback", "account_id", "accounts", "account_id"),
    ("contracts", "account_id", "accounts", "account_id"),
    ("downloads", "lead_id", "leads", "lead_id"),
    ("contact_requests", "lead_id", "leads", "lead_id"),
    ("trainings", "rep_id", "reps", "rep_id"),
)


def ts(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, utc=True, format="ISO8601")


@pytest.fixture(scope="module")
def demo() -> dict[str, pd.DataFrame]:
    return generate()


@pytest.fixture(scope="module")
def demo_again() -> dict[str, pd.DataFrame]:
    return generate()


@pytest.fixture(scope="module")
def stages(demo: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Stage events with their funnel stage, plus each order with a lead as `order_won`."""
    mapping = pd.read_csv(ROOT / "seeds" / "config" / "funnel_stage_mapping.csv")
    to_stage = dict(zip(mapping.crm_stage.str.strip().str.lower(), mapping.funnel_stage,
                        strict=True))
    events = demo["lead_stage_events"]
    events = pd.DataFrame({"lead_id": events.lead_id, "when": ts(events.entered_at),
                           "stage": events.crm_stage.str.strip().str.lower().map(to_stage),
                           "source": "event"})
    orders = demo["orders"].dropna(subset=["lead_id"])
    won = pd.DataFrame({"lead_id": orders.lead_id, "when": ts(orders.ordered_at),
                        "stage": "order_won", "source": "order"})
    return pd.concat([events, won], ignore_index=True)


# --- determinism -----------------------------------------------------------------------


def test_generate_is_deterministic(demo, demo_again):
    assert list(demo) == [t.name for t in TABLES]
    for name, frame in demo.items():
        pd.testing.assert_frame_equal(frame, demo_again[name], obj=name)


def test_csv_files_are_byte_identical(demo, demo_again, tmp_path):
    write_export(demo, tmp_path / "a", "csv")
    write_export(demo_again, tmp_path / "b", "csv")
    for table in TABLES:
        name = f"{table.name}.csv"
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_committed_seeds_equal_a_fresh_generation(demo, tmp_path):
    write_export(demo, tmp_path, "csv")
    for table in TABLES:
        name = f"{table.name}.csv"
        assert (SEEDS / name).read_bytes() == (tmp_path / name).read_bytes(), (
            f"seeds/demo/{name} drifted from the generator: run "
            "`PYTHONPATH=src python -m b2b_sales_kpis.demo_data`"
        )


def test_scale_2_parquet_export(tmp_path):
    import pyarrow.parquet as pq

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run(
        [sys.executable, "-m", "b2b_sales_kpis.demo_data", "--out", str(tmp_path),
         "--scale", "2", "--format", "parquet"],
        check=True, env=env, cwd=ROOT, capture_output=True,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{t.name}.parquet" for t in TABLES)
    for table in TABLES:
        read = pq.read_table(tmp_path / f"{table.name}.parquet")
        assert read.column_names == table.column_names
    leads_2 = pq.read_table(tmp_path / "leads.parquet").num_rows
    leads_1 = len(pd.read_csv(SEEDS / "leads.csv"))
    assert 1.8 <= leads_2 / leads_1 <= 2.2
    orders = pq.read_table(tmp_path / "orders.parquet").to_pandas()
    assert orders.order_id.is_unique and (orders.net_amount > 0).all()


def test_scale_must_be_positive():
    with pytest.raises(ValueError):
        generate(0)


# --- the contract ----------------------------------------------------------------------


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_columns_follow_the_contract(demo, table):
    frame = demo[table.name]
    assert list(frame.columns) == table.column_names
    assert len(frame) > 0
    for column in table.columns:
        if not column.nullable:
            assert frame[column.name].notna().all(), f"{table.name}.{column.name} has gaps"


@pytest.mark.parametrize("table", [t for t in TABLES if t.key], ids=lambda t: t.name)
def test_keys_are_unique(demo, table):
    assert not demo[table.name].duplicated(list(table.key)).any()


def test_stage_events_are_unique(demo):
    assert not demo["lead_stage_events"].duplicated(["lead_id", "entered_at"]).any()


@pytest.mark.parametrize("fk", FOREIGN_KEYS, ids=lambda fk: f"{fk[0]}.{fk[1]}")
def test_foreign_keys_resolve(demo, fk):
    table, column, ref_table, ref_column = fk
    values = demo[table][column].dropna()
    assert values.isin(demo[ref_table][ref_column]).all()


def test_amounts_are_positive_with_two_decimals(demo):
    orders = demo["orders"]
    assert (orders.net_amount > 0).all()
    assert orders.net_amount.between(500, 80000).all()
    cancels = demo["cancellations"].merge(orders, on="order_id")
    assert (cancels.refunded_amount > 0).all()
    assert (cancels.refunded_amount <= cancels.net_amount).all()
    assert (demo["contracts"].annual_value.dropna() > 0).all()
    assert (demo["ad_spend_daily"].cost >= 0).all()
    assert demo["trainings"].hours.between(0.5, 16).all()
    for name, column in (("orders", "net_amount"), ("cancellations", "refunded_amount"),
                         ("ad_spend_daily", "cost"), ("trainings", "hours")):
        assert (demo[name][column].round(2) == demo[name][column]).all()


def test_csv_text_formats():
    complaints = (SEEDS / "complaints.csv").read_text(encoding="utf-8")
    assert ",true\n" in complaints and ",false\n" in complaints
    orders = pd.read_csv(SEEDS / "orders.csv", dtype=str)
    assert orders.net_amount.str.fullmatch(r"\d+\.\d\d").all()
    accounts = (SEEDS / "accounts.csv").read_text(encoding="utf-8")
    assert '"Schmidt, Weber KG"' in accounts and '"""Nordlicht"" Logistik AG"' in accounts


def test_timestamps_are_iso_and_mostly_utc(demo):
    texts = pd.concat([demo[t][c] for t, c in EVENT_COLUMNS.items()]).dropna()
    assert texts.str.match(TS_PATTERN).all()
    with_offset = (~texts.str.endswith("Z")).mean()
    assert 0.015 <= with_offset <= 0.045
    reparsed = ts(demo["leads"].created_at)
    assert reparsed.notna().all()


def test_events_lie_in_the_period(demo):
    latest = []
    for table, column in EVENT_COLUMNS.items():
        at = ts(demo[table][column])
        assert at.min() >= FIRST_EVENT and at.max() <= LAST_EVENT, table
        latest.append(at.max())
    for table, column in EVENT_DATES.items():
        days = pd.to_datetime(demo[table][column])
        assert days.min() >= pd.Timestamp("2024-01-01") and days.max() <= pd.Timestamp(
            "2026-10-31"), table
    assert max(latest).date() == date(2026, 10, 31)
    closed = ts(demo["complaints"].closed_at).dropna()
    assert closed.max() <= LAST_EVENT


# --- consistency -----------------------------------------------------------------------


def test_every_crm_stage_is_mapped(stages):
    assert stages.stage.notna().all()


def test_no_stage_event_before_its_lead(demo, stages):
    created = ts(demo["leads"].set_index("lead_id").created_at)
    assert (stages.when.to_numpy() >= created.loc[stages.lead_id].to_numpy()).all()


def test_orders_and_their_consequences_are_in_order(demo):
    orders = demo["orders"].assign(ordered=lambda d: ts(d.ordered_at))
    cancels = demo["cancellations"].merge(orders, on="order_id")
    assert (ts(cancels.cancelled_at) >= cancels.ordered).all()
    complaints = demo["complaints"].merge(orders, on="order_id")
    assert (ts(complaints.opened_at) >= complaints.ordered).all()
    closed = complaints.dropna(subset=["closed_at"])
    assert (ts(closed.closed_at) >= ts(closed.opened_at)).all()
    assert complaints.closed_at.isna().any()


def test_lead_orders_follow_the_win_and_credit_the_owner(demo, stages):
    orders = demo["orders"].dropna(subset=["lead_id"])
    assert orders.lead_id.is_unique
    leads = demo["leads"].set_index("lead_id")
    assert (orders.rep_id.to_numpy() == leads.loc[orders.lead_id].owner_rep_id.to_numpy()).all()
    won = stages[(stages.stage == "order_won") & (stages.source == "event")]
    won_at = won.groupby("lead_id").when.min()
    ordered = ts(orders.set_index("lead_id").ordered_at)
    assert (ordered.loc[won_at.index] >= won_at).all()
    assert won_at.index.isin(orders.lead_id).all()  # every won lead has its order
    share_without_event = 1 - orders.lead_id.isin(won_at.index).mean()
    assert 0.04 <= share_without_event <= 0.18


def test_referrals_are_consistent(demo):
    leads = demo["leads"]
    is_referral = leads.lead_source == "referral"
    assert (leads.referred_by_account_id.notna() == is_referral).all()
    referrals = demo["referrals"].dropna(subset=["referred_lead_id"])
    assert 0.6 <= len(referrals) / len(demo["referrals"]) < 1
    joined = referrals.merge(leads, left_on="referred_lead_id", right_on="lead_id")
    assert (joined.referred_by_account_id == joined.referring_account_id).all()
    customers = set(demo["orders"].account_id)
    assert demo["referrals"].referring_account_id.isin(customers).all()


def test_reps_act_only_while_employed(demo):
    reps = demo["reps"].set_index("rep_id")
    hired = pd.to_datetime(reps.hired_on).dt.tz_localize("UTC")
    left = pd.to_datetime(reps.left_on).dt.tz_localize("UTC") + pd.Timedelta(days=1)
    for table, rep_col, at_col in (("orders", "rep_id", "ordered_at"),
                                   ("activities", "rep_id", "occurred_at"),
                                   ("leads", "owner_rep_id", "created_at")):
        frame = demo[table]
        at = ts(frame[at_col]).to_numpy()
        assert (at >= hired.loc[frame[rep_col]].to_numpy()).all(), table
        ends = left.loc[frame[rep_col]]
        assert (ends.isna().to_numpy() | (at < ends.to_numpy())).all(), table
    trainings = demo["trainings"]
    held = pd.to_datetime(trainings.held_on).dt.tz_localize("UTC").to_numpy()
    assert (held >= hired.loc[trainings.rep_id].to_numpy()).all()


def test_marketing_tables_are_plausible(demo):
    assert len(demo["web_sessions"]) < 50_000
    web = demo["web_sessions"]
    assert (web.pageviews >= 1).all() and (web.duration_seconds >= 0).all()
    assert web.visitor_id.duplicated().any()  # returning visitors
    sends = demo["newsletter_sends"]
    assert (sends.unique_opens <= sends.delivered).all()
    assert (sends.unique_clicks <= sends.unique_opens).all()
    months = pd.period_range("2024-01", "2026-10", freq="M").astype(str)
    assert set(months) - set(sends.sent_at.str[:7])  # a month without any send
    ads = demo["ad_spend_daily"]
    assert ((ads.clicks == 0) & (ads.cost > 0)).any()
    social = demo["social_daily"]
    assert len(social) == social.day.nunique() * 3


def test_sizes_are_as_documented(demo):
    expected = {"reps": (24, 24), "accounts": (1300, 1700), "leads": (5800, 7200),
                "activities": (15000, 21000), "referrals": (250, 360),
                "feedback": (1100, 1300), "contracts": (230, 270), "downloads": (2600, 3400),
                "contact_requests": (1300, 1700), "trainings": (330, 470)}
    for name, (low, high) in expected.items():
        assert low <= len(demo[name]) <= high, name
    orders = demo["orders"]
    assert 0.04 <= len(demo["cancellations"]) / len(orders) <= 0.08
    assert 0.05 <= demo["complaints"].order_id.nunique() / len(orders) <= 0.11


# --- planted patterns (docs/demo_data.md) ----------------------------------------------


def _reached(stages: pd.DataFrame, order: list[str]) -> pd.Series:
    """For each lead: the highest funnel stage reached (a skipped stage counts as passed)."""
    rank = {s: i for i, s in enumerate(order)}
    passed = stages[stages.stage.isin(rank)]
    return passed.stage.map(rank).groupby(passed.lead_id).max()


def test_weak_rep_r07_converts_first_to_second_meeting_badly(demo, stages):
    leads = demo["leads"].merge(demo["reps"], left_on="owner_rep_id", right_on="rep_id")
    top = _reached(stages, ["first_meeting", "second_meeting", "offer_sent", "contract_sent",
                            "order_won"])
    leads["top"] = leads.lead_id.map(top)
    nord = leads[(leads.team == "Nord") & leads.top.notna()]
    r07 = nord[nord.owner_rep_id == "R07"]
    others = nord[nord.owner_rep_id != "R07"]
    assert len(r07) >= 120  # >= 40 first meetings per 12 months
    assert (r07.top >= 1).mean() < 0.35
    assert (others.top >= 1).mean() > 0.5


def test_product_problem_spring_2025(demo):
    orders = demo["orders"].assign(month=lambda d: d.ordered_at.str[:7])
    spike = orders.month.between("2025-04", "2025-06")
    complaints = demo["complaints"]
    defects = complaints[complaints.category == "product_defect"].order_id
    rate_in, rate_out = (orders[spike].order_id.isin(defects).mean(),
                         orders[~spike].order_id.isin(defects).mean())
    assert rate_in >= 2.5 * rate_out
    cancels = demo["cancellations"]
    expectations = cancels[cancels.reason == "product_expectations"].order_id
    assert orders[spike].order_id.isin(expectations).mean() >= 2.5 * orders[
        ~spike].order_id.isin(expectations).mean()


def _weekly(column: pd.Series) -> pd.Series:
    days = ts(column).dt.tz_localize(None).dt.normalize()
    return (days - pd.to_timedelta(days.dt.day_of_week, unit="D")).value_counts().sort_index()


def test_marketing_dip_then_lead_dip(demo):
    for table, column, start in (("web_sessions", "started_at", "2026-03-02"),
                                 ("downloads", "downloaded_at", "2026-03-02"),
                                 ("contact_requests", "received_at", "2026-03-02"),
                                 ("leads", "created_at", "2026-03-30")):
        weeks = _weekly(demo[table][column])
        first = pd.Timestamp(start)
        dip = weeks.loc[first:first + pd.Timedelta(days=14)]
        before = weeks.loc[first - pd.Timedelta(weeks=8):first - pd.Timedelta(days=1)]
        assert len(dip) == 3
        drop = 1 - dip.mean() / before.median()
        assert 0.25 <= drop <= 0.6, (table, drop)


def test_overselling_rep_r12(demo):
    orders = demo["orders"]
    oversold = demo["cancellations"].query("reason == 'oversold'").order_id
    is_r12 = orders.rep_id == "R12"
    assert orders[is_r12].order_id.isin(oversold).mean() >= 0.09
    assert orders[~is_r12].order_id.isin(oversold).mean() <= 0.03


def test_leaver_and_new_hires(demo):
    reps = demo["reps"].set_index("rep_id")
    assert reps.loc["R19", "left_on"] == "2025-08-31"
    orders = demo["orders"].assign(when=lambda d: ts(d.ordered_at))
    after_leaving = orders.when >= pd.Timestamp("2025-09-01T00:00:00Z")
    assert not ((orders.rep_id == "R19") & after_leaving).any()
    assert ((orders.rep_id == "R19") & ~after_leaving).any()
    accounts = demo["accounts"]
    assert not (accounts.owner_rep_id == "R19").any()  # his accounts moved on
    first = orders.groupby("rep_id").when.min()
    ramp_ok = 0
    for rep_id, hired_on in reps.hired_on.items():
        if hired_on >= "2025-01-01" and rep_id in first:
            days = (first[rep_id] - pd.Timestamp(hired_on, tz="UTC")).days
            ramp_ok += 60 <= days <= 200
    assert ramp_ok >= 4


def test_contract_module_knows_every_table():
    assert set(TABLES_BY_NAME) == {p.stem for p in SEEDS.glob("*.csv")}
