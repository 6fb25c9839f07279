"""Worked examples 3-8 and 10 of worked-examples.md, end to end: each example's rows as an
export, built up to kpi_monthly, compared with the example's table (values exact where the
example's rounding allows)."""

from __future__ import annotations

import pytest
from conftest import BASE_REPS, BuildResult

EMPTY_LEADS = "lead_id,account_id,owner_rep_id,lead_source,created_at,referred_by_account_id\n"
EMPTY_STAGE_EVENTS = "lead_id,crm_stage,entered_at,lost_reason\n"
ORDERS_HEADER = "order_id,account_id,lead_id,rep_id,ordered_at,net_amount\n"
KPI_BUILD = ["build", "-s", "+kpi_monthly", "--exclude", "test_type:data"]


def accounts(*account_ids: str) -> str:
    """Accounts as the examples assume them: SMB, owner RP01."""
    rows = [f"{a},Firma {a},Handel,SMB,DE,2023-01-01T10:00:00Z,RP01" for a in account_ids]
    return (
        "account_id,account_name,industry,segment,country,created_at,owner_rep_id\n"
        + "\n".join(rows) + "\n"
    )


def build(build_export, tables: dict[str, str], as_of: str) -> BuildResult:
    export = {
        "reps": BASE_REPS,
        "leads": EMPTY_LEADS,
        "lead_stage_events": EMPTY_STAGE_EVENTS,
        **tables,
    }
    result = build_export(export, as_of=as_of, command=KPI_BUILD)
    assert result.ok, result.output[-5000:]
    return result


def row(result: BuildResult, kpi_code: str, month: str, slice_type: str = "company",
        slice_value: str = "all") -> tuple | None:
    """(numerator, denominator, value, is_mature) of one kpi_monthly row, or None."""
    rows = result.query(
        "select numerator, denominator, value, is_mature from marts.kpi_monthly "
        f"where kpi_code = '{kpi_code}' and period_month = date '{month}' "
        f"and slice_type = '{slice_type}' and slice_value = '{slice_value}'"
    )
    assert len(rows) <= 1
    return rows[0] if rows else None


def test_example_3_mid_month_as_of_cancellation(build_export) -> None:
    result = build(build_export, {
        "accounts": accounts("AC01"),
        "leads": EMPTY_LEADS
        + "LD401,AC01,RP01,website,2025-03-12T10:00:00Z,\n"
        + "LD402,AC01,RP01,website,2025-04-10T10:00:00Z,\n",
        "lead_stage_events": EMPTY_STAGE_EVENTS
        + "LD401,Ersttermin,2025-04-02T10:00:00Z,\n"
        + "LD402,Ersttermin,2025-06-30T08:00:00Z,\n",
        "orders": ORDERS_HEADER
        + "OR401,AC01,,RP01,2025-05-20T10:00:00Z,100\n"
        + "OR402,AC01,,RP01,2025-06-03T10:00:00Z,100\n",
        "cancellations": "order_id,cancelled_at,reason,refunded_amount\n"
        "OR402,2025-06-20T10:00:00Z,other,100\n",
    }, as_of="2025-06-29")
    assert row(result, "cancellation_rate", "2025-05-01") == (0, 1, 0, True)
    # June, the month of as_of, is open even though as_of is not its last day
    assert row(result, "cancellation_rate", "2025-06-01") == (1, 1, 1, False)


def test_example_4_cancellation_and_complaint_denominators(build_export) -> None:
    result = build(build_export, {
        "accounts": accounts("AC01"),
        "orders": ORDERS_HEADER
        + "OR501,AC01,,RP01,2025-02-03T10:00:00Z,800\n"
        + "OR502,AC01,,RP01,2025-02-11T10:00:00Z,200\n"
        + "OR503,AC01,,RP01,2025-02-17T10:00:00Z,1000\n"
        + "OR504,AC01,,RP01,2025-02-25T10:00:00Z,500\n",
        "cancellations": "order_id,cancelled_at,reason,refunded_amount\n"
        "OR502,2025-02-20T10:00:00Z,price,150\n"
        "OR504,2025-05-06T10:00:00Z,timing,500\n",
        "complaints": "complaint_id,order_id,opened_at,closed_at,category,is_warranty_claim\n"
        "CP1,OR502,2025-02-18T10:00:00Z,,delivery,false\n"
        "CP2,OR503,2025-02-27T10:00:00Z,,service,false\n"
        "CP3,OR503,2025-03-15T10:00:00Z,,product_defect,true\n",
    }, as_of="2025-04-30")
    assert row(result, "cancellation_rate", "2025-02-01") == (1, 4, 0.25, True)
    assert row(result, "cancellation_rate_value", "2025-02-01") == (200, 2500, 0.08, True)
    assert row(result, "complaint_rate", "2025-02-01") == (2, 4, 0.5, True)
    assert row(result, "warranty_cases", "2025-03-01") == (None, None, 1, True)
    # breakdowns: the reason's numerator over all of February's orders; the late
    # cancellation (after as_of) has no row
    assert row(result, "cancellation_rate", "2025-02-01", "cancellation_reason", "price") == (
        1, 4, 0.25, True)
    assert row(result, "cancellation_rate", "2025-02-01", "cancellation_reason", "timing") is None
    assert row(result, "complaint_rate", "2025-02-01", "complaint_category", "product_defect") == (
        1, 4, 0.25, True)
    assert row(result, "complaint_rate", "2025-02-01", "complaint_category", "billing") is None
    assert row(result, "cancellation_rate", "2025-02-01", "rep", "RP01") == (1, 4, 0.25, True)
    assert row(result, "complaint_rate", "2025-02-01", "segment", "SMB") == (2, 4, 0.5, True)


def test_example_5_churn_reactivation_and_a_contract(build_export) -> None:
    result = build(build_export, {
        "accounts": accounts("AC61", "AC62", "AC63"),
        "orders": ORDERS_HEADER
        + "OR611,AC61,,RP01,2024-02-10T10:00:00Z,100\n"
        + "OR612,AC61,,RP01,2025-04-22T10:00:00Z,100\n"
        + "OR621,AC62,,RP01,2024-01-15T10:00:00Z,100\n"
        + "OR631,AC63,,RP01,2024-03-05T10:00:00Z,100\n",
        "contracts": "contract_id,account_id,starts_on,ends_on,terminated_on,annual_value\n"
        "CT62,AC62,2024-06-01,2025-12-31,,1000\n",
    }, as_of="2025-05-31")
    assert row(result, "churn_rate", "2025-02-01") == (1, 3, pytest.approx(1 / 3), True)
    assert row(result, "churn_rate", "2025-03-01") == (1, 2, 0.5, True)
    assert row(result, "churn_rate", "2025-04-01") == (0, 1, 0, True)
    assert row(result, "new_to_existing_ratio", "2025-04-01") == (0, 1, 0, True)
    states = dict(result.query(
        "select account_id, lifecycle_state from intermediate.int_accounts_monthly "
        "where period_month = date '2025-04-01'"
    ))
    assert states == {"AC61": "reactivated", "AC62": "retained", "AC63": "lapsed"}


def test_example_6_kaplan_meier(build_export) -> None:
    result = build(build_export, {
        "accounts": accounts("AC71", "AC72", "AC73", "AC74", "AC75"),
        "orders": ORDERS_HEADER
        + "OR711,AC71,,RP01,2023-03-10T10:00:00Z,100\n"
        + "OR721,AC72,,RP01,2024-07-01T10:00:00Z,100\n"
        + "OR731,AC73,,RP01,2023-01-20T10:00:00Z,100\n"
        + "OR732,AC73,,RP01,2023-09-15T10:00:00Z,100\n"
        + "OR741,AC74,,RP01,2025-02-03T10:00:00Z,100\n"
        + "OR751,AC75,,RP01,2022-11-23T10:00:00Z,100\n"
        + "OR752,AC75,,RP01,2023-10-02T10:00:00Z,100\n"
        + "OR753,AC75,,RP01,2024-08-12T10:00:00Z,100\n"
        + "OR754,AC75,,RP01,2025-06-02T10:00:00Z,100\n",
    }, as_of="2025-11-30")
    expected = {
        ("relationship_years_median", "2025-06-01"): (603 / 365.25, True),
        ("relationship_survival_1y", "2025-06-01"): (0.75, True),
        ("relationship_survival_3y", "2025-06-01"): (None, True),
        ("relationship_years_median", "2025-11-01"): (365 / 365.25, False),
        ("relationship_survival_1y", "2025-11-01"): (0.5, False),
        ("relationship_survival_3y", "2025-11-01"): (0.25, False),
    }
    for (code, month), (value, mature) in expected.items():
        got = row(result, code, month)
        assert got is not None, (code, month)
        assert got[:2] == (None, None), (code, month)
        assert got[2] == (None if value is None else pytest.approx(value, rel=1e-12)), (code, month)
        assert got[3] is mature
        # the segment slice holds the same five relationships
        assert row(result, code, month, "segment", "SMB") == got
    durations = result.query(
        "select duration_days, at_risk, events, censored from "
        "intermediate.int_relationship_survival_monthly where period_month = date '2025-06-01' "
        "and slice_type = 'company' order by duration_days"
    )
    assert durations == [(148, 5, 0, 1), (365, 4, 1, 1), (603, 2, 1, 0), (951, 1, 0, 1)]


def test_example_7_new_vs_existing(build_export) -> None:
    tables = {
        "accounts": accounts("AC81", "AC82", "AC83", "AC84", "AC85", "AC86"),
        "orders": ORDERS_HEADER
        + "OR811,AC81,,RP01,2024-09-10T10:00:00Z,700\n"
        + "OR812,AC81,,RP01,2025-04-08T10:00:00Z,1000\n"
        + "OR821,AC82,,RP01,2024-06-05T10:00:00Z,300\n"
        + "OR841,AC84,,RP01,2023-02-14T10:00:00Z,450\n"
        + "OR842,AC84,,RP01,2025-04-16T10:00:00Z,600\n"
        + "OR851,AC85,,RP01,2025-04-03T10:00:00Z,300\n"
        + "OR852,AC85,,RP01,2025-04-25T10:00:00Z,200\n"
        + "OR861,AC86,,RP01,2025-03-28T10:00:00Z,250\n"
        + "OR862,AC86,,RP01,2025-04-15T10:00:00Z,400\n",
        "cancellations": "order_id,cancelled_at,reason,refunded_amount\n"
        "OR861,2025-04-02T10:00:00Z,other,250\n",
        "contracts": "contract_id,account_id,starts_on,ends_on,terminated_on,annual_value\n"
        "CT83,AC83,2024-01-01,,,1000\n",
    }
    result = build(build_export, tables, as_of="2025-04-30")
    assert row(result, "new_to_existing_ratio", "2025-04-01") == (
        2, 3, pytest.approx(2 / 3), False)
    assert row(result, "new_customer_revenue_share", "2025-04-01") == (900, 2500, 0.36, False)
    # the cancelled order is in March's cancellation denominator, not in its revenue
    assert row(result, "cancellation_rate", "2025-03-01") == (1, 1, 1, True)
    assert row(result, "new_customer_revenue_share", "2025-03-01") is None


def test_example_8_nps(build_export) -> None:
    result = build(build_export, {
        "accounts": accounts("AC91", "AC92", "AC93"),
        "orders": ORDERS_HEADER + "OR911,AC91,,RP01,2025-01-10T10:00:00Z,100\n",
        "feedback": "feedback_id,account_id,submitted_at,channel,nps_score,comment\n"
        "FB1,AC91,2025-05-02T10:00:00Z,nps_survey,10,\n"
        "FB2,AC92,2025-05-05T10:00:00Z,nps_survey,9,\n"
        "FB3,AC93,2025-05-09T10:00:00Z,nps_survey,9,\n"
        "FB4,AC91,2025-05-13T10:00:00Z,nps_survey,8,\n"
        "FB5,AC92,2025-05-20T10:00:00Z,nps_survey,6,Herr Meier war unfreundlich\n"
        "FB6,AC93,2025-05-22T10:00:00Z,nps_survey,,\n"
        "FB7,AC91,2025-05-28T10:00:00Z,review,2,\n",
    }, as_of="2025-06-15")
    assert row(result, "nps", "2025-05-01") == (2, 5, 40, True)
    assert row(result, "nps", "2025-05-01", "segment", "SMB") == (2, 5, 40, True)
    assert row(result, "feedback_count", "2025-05-01") == (None, None, 7, True)
    assert row(result, "feedback_count", "2025-05-01", "feedback_channel", "review") == (
        None, None, 1, True)
    assert row(result, "feedback_count", "2025-06-01") == (None, None, 0, False)
    assert row(result, "nps", "2025-06-01") is None


def test_example_10_repeat_purchase_window_edges(build_export) -> None:
    result = build(build_export, {
        "accounts": accounts("AC11", "AC12", "AC13", "AC14", "AC15"),
        "orders": ORDERS_HEADER
        + "OR111,AC11,,RP01,2024-06-30T15:00:00Z,100\n"
        + "OR112,AC11,,RP01,2025-06-10T10:00:00Z,100\n"
        + "OR121,AC12,,RP01,2024-07-01T08:00:00Z,100\n"
        + "OR122,AC12,,RP01,2025-06-30T17:00:00Z,100\n"
        + "OR131,AC13,,RP01,2025-06-14T09:00:00Z,100\n"
        + "OR132,AC13,,RP01,2025-06-14T15:00:00Z,100\n"
        + "OR141,AC14,,RP01,2024-09-01T10:00:00Z,100\n"
        + "OR142,AC14,,RP01,2025-01-10T10:00:00Z,100\n"
        + "OR151,AC15,,RP01,2024-07-01T00:30:00+02:00,100\n"
        + "OR152,AC15,,RP01,2025-03-03T10:00:00Z,100\n",
        "cancellations": "order_id,cancelled_at,reason,refunded_amount\n"
        "OR142,2025-01-20T10:00:00Z,other,100\n",
    }, as_of="2025-06-30")
    assert row(result, "repeat_purchase_rate_12m", "2025-05-01") == (1, 4, 0.25, True)
    assert row(result, "repeat_purchase_rate_12m", "2025-06-01") == (2, 5, 0.4, False)
    assert row(result, "repeat_purchase_rate_12m", "2025-06-01", "segment", "SMB") == (
        2, 5, 0.4, False)
