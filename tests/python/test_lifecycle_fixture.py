"""The lifecycle fixture export (tests/python/exports/lifecycle_export), built at the mid-month
as_of 2025-06-18, against hand-worked values for every KPI code of kpis.md sections 2-9
(referral_lead_conversion is the funnel's).

The accounts and what each one is there for (owner, segment):
- A10 (RP01, Mid-Market): a contract from 2022-06-01 to 2023-02-15, before the first event:
  active at the end of the month before the first reporting month, churns in February 2023.
- A7 (RP01, Enterprise): one order 2023-01-10, inactive from 2024-01-10: churns in January
  2024; a relationship of 365 days that ends (an event).
- A1 (RP01, SMB): orders 2023-05-10, 2024-09-03, 2025-02-14 (cancelled on 2025-06-30, after
  as_of, so still an order): churns in May 2024 (first inactive 2024-05-09, 365 days after its
  start: the relationship's one and only end), reactivated in September 2024.
- A2 (RP01, SMB): contract only, 2024-01-01 to ends_on 2025-12-31 but terminated_on 2025-03-31:
  active through March 2025, churns in April 2025; no relationship (no order).
- A3 (RP02, Mid-Market): open contract from 2024-02-01, first order 2024-06-12: new in June
  2024 but not activated (the contract kept it active); relationship censored.
- A4 (RP02, Mid-Market): 2024-03-05 order cancelled (with a complaint), then orders
  2024-04-15 and 2024-10-01 (the latter credited to RP01): new in April, not March.
- A5 (no owner, Enterprise): orders 2024-06-20, 2025-06-10, 2025-06-12 (cancelled), 2025-06-25
  (after as_of); in no rep slice.
- A6 (RP02, SMB): one order 2024-06-19: active exactly through as_of (2025-06-18), censored
  at 365 days in June 2025, tied with A1's and A7's events at 365 (events before censorings).
- A8 (RP01, SMB): contract 2025-01-01 to 2025-06-25, past the mid-month as_of: active in June.
- A9 (RP02, SMB): first order 2025-06-05: June's new customer.
- A11 (RP01, SMB): a contract in 2026 only: a prospect in every month.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, BuildResult, dbt

EXPORT = PROJECT_DIR / "tests" / "python" / "exports" / "lifecycle_export"
AS_OF = "2025-06-18"
JUNE = "2025-06-01"

# (kpi_code, period_month, slice_type, slice_value): (numerator, denominator, value, is_mature)
EXPECTED = {
    # 2 cancellations: all orders placed in M; June's O504 is after as_of, O103's cancellation too
    ("cancellation_rate", "2024-03-01", "company", "all"): (1, 1, 1, True),
    ("cancellation_rate", "2024-03-01", "cancellation_reason", "product_expectations"): (
        1, 1, 1, True),
    ("cancellation_rate", "2025-02-01", "company", "all"): (0, 1, 0, True),
    ("cancellation_rate", JUNE, "company", "all"): (1, 3, 1 / 3, False),
    ("cancellation_rate", JUNE, "rep", "RP01"): (1, 1, 1, False),
    ("cancellation_rate", JUNE, "rep", "RP02"): (0, 2, 0, False),
    ("cancellation_rate", JUNE, "segment", "Enterprise"): (1, 2, 0.5, False),
    ("cancellation_rate", JUNE, "segment", "SMB"): (0, 1, 0, False),
    ("cancellation_rate", JUNE, "cancellation_reason", "oversold"): (1, 3, 1 / 3, False),
    ("cancellation_rate_value", JUNE, "company", "all"): (300, 1000, 0.3, False),
    ("cancellation_rate_value", JUNE, "segment", "Enterprise"): (300, 800, 0.375, False),
    ("cancellation_rate_value", JUNE, "cancellation_reason", "oversold"): (300, 1000, 0.3, False),
    # 3 complaints: by as_of, counted for the order's month; warranty claims in their month
    ("complaint_rate", "2024-03-01", "company", "all"): (1, 1, 1, True),
    ("complaint_rate", "2024-03-01", "complaint_category", "advice"): (1, 1, 1, True),
    ("complaint_rate", "2024-09-01", "company", "all"): (1, 1, 1, True),
    ("complaint_rate", "2024-09-01", "complaint_category", "product_defect"): (1, 1, 1, True),
    ("complaint_rate", "2024-09-01", "complaint_category", "delivery"): (1, 1, 1, True),
    ("complaint_rate", "2024-10-01", "company", "all"): (0, 1, 0, True),
    ("complaint_rate", JUNE, "company", "all"): (1, 3, 1 / 3, False),
    ("complaint_rate", JUNE, "rep", "RP02"): (1, 2, 0.5, False),
    ("complaint_rate", JUNE, "complaint_category", "product_defect"): (1, 3, 1 / 3, False),
    ("warranty_cases", "2024-09-01", "company", "all"): (None, None, 1, True),
    ("warranty_cases", "2024-09-01", "rep", "RP01"): (None, None, 1, True),
    ("warranty_cases", "2024-10-01", "company", "all"): (None, None, 0, True),
    ("warranty_cases", JUNE, "company", "all"): (None, None, 1, False),
    ("warranty_cases", JUNE, "rep", "RP02"): (None, None, 1, False),
    ("warranty_cases", JUNE, "segment", "Enterprise"): (None, None, 1, False),
    # 4 repeat purchase: calendar months M-11 ... M, non-cancelled orders up to as_of
    ("repeat_purchase_rate_12m", "2025-05-01", "company", "all"): (1, 5, 0.2, True),
    ("repeat_purchase_rate_12m", JUNE, "company", "all"): (1, 4, 0.25, False),
    ("repeat_purchase_rate_12m", JUNE, "segment", "SMB"): (1, 2, 0.5, False),
    ("repeat_purchase_rate_12m", JUNE, "segment", "Enterprise"): (0, 1, 0, False),
    # 5 churn: the first reporting month sees A10's contract from before the period
    ("churn_rate", "2023-01-01", "company", "all"): (0, 1, 0, True),
    ("churn_rate", "2023-02-01", "company", "all"): (1, 2, 0.5, True),
    ("churn_rate", "2024-01-01", "company", "all"): (1, 2, 0.5, True),
    ("churn_rate", "2024-01-01", "segment", "Enterprise"): (1, 1, 1, True),
    ("churn_rate", "2024-01-01", "rep", "RP01"): (1, 2, 0.5, True),
    ("churn_rate", "2024-05-01", "company", "all"): (1, 4, 0.25, True),
    ("churn_rate", "2024-09-01", "company", "all"): (0, 5, 0, True),
    ("churn_rate", "2025-04-01", "company", "all"): (1, 7, 1 / 7, True),
    ("churn_rate", "2025-04-01", "rep", "RP01"): (1, 3, 1 / 3, True),
    ("churn_rate", JUNE, "company", "all"): (0, 6, 0, False),
    ("churn_rate", JUNE, "rep", "RP02"): (0, 3, 0, False),
    # 6 contacts, June: active at as_of A1 A3 A4 A5 A6 A8 A9; A2's visit is not counted (not
    # active), nor A8's call after as_of; A5's last call (03-20) is 90 days before as_of
    ("contacts_per_active_customer", "2025-03-01", "company", "all"): (1, 7, 1 / 7, True),
    ("contacts_per_active_customer", JUNE, "company", "all"): (4, 7, 4 / 7, False),
    ("contacts_per_active_customer", JUNE, "rep", "RP01"): (2, 2, 1, False),
    ("contacts_per_active_customer", JUNE, "rep", "RP02"): (2, 4, 0.5, False),
    ("contacts_per_active_customer", JUNE, "segment", "Enterprise"): (0, 1, 0, False),
    ("contacts_per_active_customer", JUNE, "activity_type", "visit"): (1, 7, 1 / 7, False),
    ("contacts_per_active_customer", JUNE, "activity_type", "phone_call"): (1, 7, 1 / 7, False),
    ("personal_contact_share", "2025-03-01", "company", "all"): (0, 1, 0, True),
    ("personal_contact_share", JUNE, "company", "all"): (2, 4, 0.5, False),
    ("personal_contact_share", JUNE, "segment", "SMB"): (1, 3, 1 / 3, False),
    ("personal_contact_share", JUNE, "segment", "Mid-Market"): (1, 1, 1, False),
    ("customers_without_contact_90d", "2025-03-01", "company", "all"): (6, 7, 6 / 7, True),
    ("customers_without_contact_90d", JUNE, "company", "all"): (3, 7, 3 / 7, False),
    ("customers_without_contact_90d", JUNE, "rep", "RP01"): (1, 2, 0.5, False),
    ("customers_without_contact_90d", JUNE, "rep", "RP02"): (1, 4, 0.25, False),
    ("customers_without_contact_90d", JUNE, "segment", "Enterprise"): (1, 1, 1, False),
    # 7 relationships, June at as_of: 14c 364c 365e 365e 365c 372c 430c -> S(365) = 1 - 2/5
    ("relationship_years_median", JUNE, "company", "all"): (None, None, None, False),
    ("relationship_survival_1y", JUNE, "company", "all"): (None, None, 0.6, False),
    ("relationship_survival_3y", JUNE, "company", "all"): (None, None, None, False),
    ("relationship_years_median", JUNE, "segment", "SMB"): (None, None, 365 / 365.25, False),
    ("relationship_survival_1y", JUNE, "segment", "SMB"): (None, None, 0.5, False),
    ("relationship_years_median", JUNE, "segment", "Enterprise"): (
        None, None, 365 / 365.25, False),
    ("relationship_survival_1y", JUNE, "segment", "Enterprise"): (None, None, 0, False),
    ("relationship_survival_1y", JUNE, "segment", "Mid-Market"): (None, None, 1, False),
    ("relationship_years_median", JUNE, "segment", "Mid-Market"): (None, None, None, False),
    # January 2024: A7 ends at 365 (1 at risk), A1 censored at 267
    ("relationship_years_median", "2024-01-01", "company", "all"): (
        None, None, 365 / 365.25, True),
    ("relationship_survival_1y", "2024-01-01", "company", "all"): (None, None, 0, True),
    # June 2023: nobody observed for a year yet
    ("relationship_survival_1y", "2023-06-01", "company", "all"): (None, None, None, True),
    # 8 new vs existing
    ("new_to_existing_ratio", "2024-03-01", "company", "all"): (0, 3, 0, True),
    ("new_to_existing_ratio", "2024-04-01", "company", "all"): (1, 3, 1 / 3, True),
    ("new_to_existing_ratio", "2024-06-01", "company", "all"): (3, 3, 1, True),
    ("new_to_existing_ratio", JUNE, "company", "all"): (1, 6, 1 / 6, False),
    ("new_to_existing_ratio", JUNE, "rep", "RP02"): (1, 3, 1 / 3, False),
    ("new_customer_revenue_share", "2024-04-01", "company", "all"): (350, 350, 1, True),
    ("new_customer_revenue_share", "2024-06-01", "company", "all"): (2000, 2000, 1, True),
    ("new_customer_revenue_share", JUNE, "company", "all"): (200, 700, 2 / 7, False),
    ("new_customer_revenue_share", JUNE, "rep", "RP02"): (200, 200, 1, False),
    ("new_customer_revenue_share", JUNE, "segment", "Enterprise"): (0, 500, 0, False),
    # 9 referrals (UTC dates at the window's edges), nps, feedback
    ("referral_rate_12m", "2025-05-01", "company", "all"): (2, 6, 1 / 3, True),
    ("referral_rate_12m", JUNE, "company", "all"): (1, 7, 1 / 7, False),
    ("referral_rate_12m", JUNE, "segment", "SMB"): (1, 4, 0.25, False),
    ("referral_rate_12m", JUNE, "segment", "Mid-Market"): (0, 2, 0, False),
    ("nps", JUNE, "company", "all"): (0, 3, 0, False),
    ("nps", JUNE, "segment", "SMB"): (1, 1, 100, False),
    ("nps", JUNE, "segment", "Mid-Market"): (-1, 2, -50, False),
    ("feedback_count", JUNE, "company", "all"): (None, None, 5, False),
    ("feedback_count", JUNE, "feedback_channel", "nps_survey"): (None, None, 4, False),
    ("feedback_count", JUNE, "feedback_channel", "review"): (None, None, 1, False),
    ("feedback_count", JUNE, "segment", "SMB"): (None, None, 2, False),
    ("feedback_count", "2025-05-01", "company", "all"): (None, None, 0, True),
}

# rows that must not exist: zero denominators, breakdowns without numerator, no-owner accounts
ABSENT = [
    ("cancellation_rate", "2023-02-01", "company", "all"),  # no orders placed
    ("cancellation_rate", JUNE, "cancellation_reason", "price"),  # cancelled after as_of
    ("complaint_rate", JUNE, "complaint_category", "billing"),  # opened after as_of
    ("churn_rate", "2022-12-01", "company", "all"),  # before the reporting period
    ("new_customer_revenue_share", "2024-03-01", "company", "all"),  # only a cancelled order
    ("personal_contact_share", JUNE, "segment", "Enterprise"),  # no activities
    ("contacts_per_active_customer", JUNE, "activity_type", "video_call"),
    ("nps", "2025-05-01", "company", "all"),  # no responses
    ("nps", JUNE, "segment", "Enterprise"),  # a review is no nps response
    ("warranty_cases", "2024-10-01", "rep", "RP01"),  # counts: slices only where not 0
    ("referral_lead_conversion", JUNE, "company", "all"),  # the funnel's
]

LIFECYCLE_CODES = {
    "cancellation_rate", "cancellation_rate_value", "complaint_rate", "warranty_cases",
    "repeat_purchase_rate_12m", "churn_rate", "contacts_per_active_customer",
    "personal_contact_share", "customers_without_contact_90d", "relationship_years_median",
    "relationship_survival_1y", "relationship_survival_3y", "new_to_existing_ratio",
    "new_customer_revenue_share", "referral_rate_12m", "nps", "feedback_count",
}


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    folder = tmp_path_factory.mktemp("lifecycle")
    result = dbt(["build"], folder / "warehouse.duckdb", data_dir=EXPORT, as_of=AS_OF)
    assert result.ok, result.output[-5000:]
    return result


def _rows(result: BuildResult) -> dict[tuple, tuple]:
    return {
        (r[0], r[1], r[2], r[3]): tuple(r[4:])
        for r in result.query(
            "select kpi_code, strftime(period_month, '%Y-%m-%d'), slice_type, slice_value, "
            "numerator, denominator, value, is_mature from marts.kpi_monthly"
        )
    }


def test_every_lifecycle_kpi_code_is_checked() -> None:
    assert {key[0] for key in EXPECTED} == LIFECYCLE_CODES


def test_hand_worked_values(fixture_build: BuildResult) -> None:
    rows = _rows(fixture_build)
    wrong = {}
    for key, (num, den, value, mature) in EXPECTED.items():
        got = rows.get(key)
        want = (num, den, None if value is None else pytest.approx(value, rel=1e-12), mature)
        if got != want:
            wrong[key] = (got, (num, den, value, mature))
    assert wrong == {}
    assert [key for key in ABSENT if key in rows] == []


def test_customer_states(fixture_build: BuildResult) -> None:
    states = {
        (r[0], r[1]): r[2:]
        for r in fixture_build.query(
            "select account_id, strftime(period_month, '%Y-%m'), lifecycle_state, "
            "is_new_customer, is_activated from marts.customer_lifecycle_monthly"
        )
    }
    # a contract kept A3 active: its first order makes it new, not activated
    assert states[("A3", "2024-06")] == ("retained", True, False)
    assert states[("A5", "2024-06")] == ("activated", True, True)
    assert states[("A1", "2024-05")] == ("churned", False, False)
    assert states[("A1", "2024-09")] == ("reactivated", False, True)
    assert states[("A1", "2024-08")] == ("lapsed", False, False)
    assert states[("A2", "2024-01")] == ("activated", False, True)
    assert states[("A2", "2025-04")] == ("churned", False, False)
    # the end of June is as_of (06-18): A6's order window and A8's contract still run
    assert states[("A6", "2025-06")] == ("retained", False, False)
    assert states[("A8", "2025-06")] == ("retained", False, False)
    # A4's cancelled March order neither activates it nor makes it new
    assert ("A4", "2024-03") not in states
    assert states[("A4", "2024-04")] == ("activated", True, True)
    # prospects (A11: a contract starting after as_of) are not in the mart
    assert not [key for key in states if key[0] == "A11"]


def test_survival_curve_mart(fixture_build: BuildResult) -> None:
    curve = fixture_build.query(
        "select duration_days, at_risk, events, censored, survival "
        "from marts.relationship_survival_curve where period_month = date '2025-06-01' "
        "and slice_type = 'company' order by duration_days"
    )
    assert curve == [
        (14, 7, 0, 1, 1.0),
        (364, 6, 0, 1, 1.0),
        (365, 5, 2, 1, pytest.approx(0.6, rel=1e-12)),
        (372, 2, 0, 1, pytest.approx(0.6, rel=1e-12)),
        (430, 1, 0, 1, pytest.approx(0.6, rel=1e-12)),
    ]


def test_order_quality_mart(fixture_build: BuildResult) -> None:
    row = fixture_build.query(
        "select orders_placed, orders_cancelled, cancellation_rate, ordered_net_amount_eur, "
        "cancelled_net_amount_eur, cancellation_rate_value, orders_with_complaint, "
        "complaint_rate, warranty_cases, is_mature from marts.order_quality_monthly "
        "where period_month = date '2025-06-01' and slice_type = 'company'"
    )
    assert row == [(3, 1, pytest.approx(1 / 3), 1000, 300, 0.3, 1, pytest.approx(1 / 3), 1,
                    False)]


def test_without_optional_tables(tmp_path: Path) -> None:
    """No cancellations, complaints, activities, referrals, feedback or contracts: the KPIs
    that need a table have no rows; the rest are computed, only orders keep accounts active."""
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    for table in ("cancellations", "complaints", "activities", "referrals", "feedback",
                  "contracts"):
        (export / f"{table}.csv").unlink()
    result = dbt(["build", "-s", "+kpi_monthly", "--exclude", "test_type:data"],
                 tmp_path / "warehouse.duckdb", data_dir=export, as_of=AS_OF)
    assert result.ok, result.output[-5000:]
    codes = {r[0] for r in result.query("select distinct kpi_code from marts.kpi_monthly")}
    assert codes == {
        "repeat_purchase_rate_12m", "churn_rate", "relationship_years_median",
        "relationship_survival_1y", "relationship_survival_3y", "new_to_existing_ratio",
        "new_customer_revenue_share",
    }
    rows = _rows(result)
    # without contracts A10 is never active: the first month has no churn denominator; A3 is
    # a plain new customer in June 2024; O401, O503 and O103 now count as orders
    assert ("churn_rate", "2023-01-01", "company", "all") not in rows
    assert rows[("new_to_existing_ratio", "2024-04-01", "company", "all")] == (0, 2, 0, True)
    assert rows[("new_to_existing_ratio", "2024-03-01", "company", "all")] == (1, 1, 1, True)
    assert rows[("churn_rate", "2025-04-01", "company", "all")] == (0, 5, 0, True)
    assert rows[("repeat_purchase_rate_12m", JUNE, "company", "all")] == (2, 4, 0.5, False)
