"""Marketing KPIs and the quality scorecard end to end on a small export: kpis.md worked
example 9 (CPC over a zero-click day, CTR with a month without sends), optional tables
missing, and a changed target in kpi_scorecard moving the dimension score as the formula says."""

from __future__ import annotations

import duckdb
import pytest
from conftest import BASE_REPS, BuildResult, dbt

WORKED_EXAMPLE_9 = {
    "reps": BASE_REPS,
    "accounts": """\
        account_id,account_name,industry,segment,country,created_at,owner_rep_id
        AC1,Alpha GmbH,Handel,SMB,DE,2024-01-05T09:00:00Z,RP01
    """,
    "leads": "lead_id,account_id,owner_rep_id,lead_source,created_at,referred_by_account_id\n",
    "lead_stage_events": "lead_id,crm_stage,entered_at,lost_reason\n",
    "orders": """\
        order_id,account_id,lead_id,rep_id,ordered_at,net_amount
        OR1,AC1,,RP01,2025-03-10T10:00:00Z,1000
    """,
    "ad_spend_daily": """\
        day,platform,campaign,impressions,clicks,cost
        2025-03-03,Google Ads,Brand,500,20,40
        2025-03-04,LinkedIn Ads,Lead Gen,900,0,15
        2025-03-05,Google Ads,Brand,400,10,25
        2025-04-02,LinkedIn Ads,Lead Gen,800,0,30
    """,
    "newsletter_sends": """\
        send_id,sent_at,newsletter,delivered,unique_opens,unique_clicks
        NL1,2025-03-06T10:00:00Z,Praxisbrief,1000,300,35
        NL2,2025-03-20T10:00:00Z,Product Update,200,80,20
    """,
}


@pytest.fixture(scope="module")
def example_9(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    from conftest import write_export

    folder = tmp_path_factory.mktemp("example_9")
    export = write_export(folder / "export", WORKED_EXAMPLE_9)
    result = dbt(["build"], folder / "warehouse.duckdb", data_dir=export, as_of="2025-04-30")
    assert result.ok, result.output[-5000:]
    return result


def test_worked_example_9(example_9: BuildResult) -> None:
    cpc = example_9.kpis("cpc")
    assert cpc["2025-03-01"][:3] == ("all", 80.0, 30.0)
    assert cpc["2025-03-01"][3] == pytest.approx(2.6667, abs=5e-5)
    assert cpc["2025-03-01"][4] is True
    # April: cost without clicks — the row may exist, its value is null, never 0
    assert cpc.get("2025-04-01", ("all", 30.0, 0.0, None, False)) == (
        "all", 30.0, 0.0, None, False)
    ctr = example_9.kpis("newsletter_ctr")
    assert ctr["2025-03-01"][:3] == ("all", 55.0, 1200.0)
    assert ctr["2025-03-01"][3] == pytest.approx(0.0458, abs=5e-5)
    # April has no sends: no row (or a null one)
    assert ctr.get("2025-04-01", (None, None, None, None))[3] is None
    platforms = example_9.kpis("cpc", "platform")
    assert platforms["2025-03-01|Google Ads"][3] == pytest.approx(65 / 30)
    assert platforms["2025-03-01|LinkedIn Ads"][1:4] == (15.0, 0.0, None)


def test_missing_optional_tables_leave_their_kpis_out(example_9: BuildResult) -> None:
    codes = {r[0] for r in example_9.query("select distinct kpi_code from marts.kpi_monthly")}
    for absent in ("web_visitors", "web_sessions", "downloads", "social_follows",
                   "social_likes", "avg_visit_duration_seconds", "pages_per_visit",
                   "contact_requests", "training_hours_per_rep"):
        assert absent not in codes
    weekly = example_9.query(
        "select web_sessions, downloads, contact_requests, ad_clicks, new_leads "
        "from marts.marketing_indicators_weekly where week_start = '2025-03-03'"
    )
    assert weekly == [(None, None, None, 30, 0)]  # missing tables null, present ones counted


def _efficiency(result: BuildResult, month: str) -> tuple:
    return result.query(
        "select score, status, kpis_scored, weakest_kpi_code from marts.quality_scorecard "
        f"where dimension_code = 'sales_marketing_efficiency' and period_month = '{month}'"
    )[0]


def test_scorecard_by_hand_and_a_changed_target(example_9: BuildResult) -> None:
    # shipped catalog: newsletter_ctr 0.06 (100) … 0.02 (0), cpc 1.5 … 5, weights 1; no other
    # efficiency KPI has a value (no leads; contact_requests missing)
    ctr_score = 100 * (55 / 1200 - 0.02) / (0.06 - 0.02)  # 64.58
    cpc_score = 100 * (80 / 30 - 5) / (1.5 - 5)  # 66.67
    score, status, scored, weakest = _efficiency(example_9, "2025-03-01")
    assert score == pytest.approx((ctr_score + cpc_score) / 2)
    assert (status, scored, weakest) == ("red", 2, "newsletter_ctr")
    # April: the cpc has no value and there is no CTR: nothing to score
    assert _efficiency(example_9, "2025-04-01") == (None, None, 0, None)

    # a user lowers the CTR target to 0.05: its score becomes 100 x (0.0458 - 0.02) / 0.03
    with duckdb.connect(str(example_9.db_path)) as con:
        con.execute("update config.kpi_scorecard set target = 0.05 "
                    "where kpi_code = 'newsletter_ctr' and slice_type is null")
    rerun = dbt(["run", "-s", "quality_scorecard_kpis", "quality_scorecard"],
                example_9.db_path, data_dir=example_9.db_path.parent / "export",
                as_of="2025-04-30")
    assert rerun.ok, rerun.output[-3000:]
    new_ctr_score = 100 * (55 / 1200 - 0.02) / (0.05 - 0.02)  # 86.11
    score, status, scored, weakest = _efficiency(rerun, "2025-03-01")
    assert score == pytest.approx((new_ctr_score + cpc_score) / 2)
    assert (status, scored, weakest) == ("amber", 2, "cpc")
    ctr_row = rerun.query(
        "select score from marts.quality_scorecard_kpis where period_month = '2025-03-01' "
        "and kpi_code = 'newsletter_ctr' and slice_type = 'company'"
    )
    assert ctr_row[0][0] == pytest.approx(new_ctr_score)
