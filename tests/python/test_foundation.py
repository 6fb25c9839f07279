"""The foundation: an export folder (CSV or Parquet) builds, missing optional tables are
reported, staging types are exact, personal data stops at staging, and the warehouse file is
the project's wherever dbt starts."""

from __future__ import annotations

import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import DBT, PROJECT_DIR, BuildResult, dbt

from b2b_sales_kpis import contract

TINY_EXPORT = PROJECT_DIR / "tests" / "fixtures" / "tiny_export"
PERSONAL_COLUMNS = {c.name for t in contract.TABLES for c in t.columns if c.personal}


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    folder = tmp_path_factory.mktemp("tiny")
    result = dbt(["build"], folder / "warehouse.duckdb", data_dir=TINY_EXPORT)
    assert result.ok, result.output[-5000:]
    return result


def test_tiny_export_builds_and_reports_missing_tables(tiny_build: BuildResult) -> None:
    assert "Tables used (6): reps, accounts, leads, lead_stage_events, orders, cancellations" in (
        tiny_build.output
    )
    assert "Tables missing (12): complaints, activities, referrals, feedback, contracts" in (
        tiny_build.output
    )
    rows = dict(
        tiny_build.query("select table_name, row_count from marts.build_info where is_present")
    )
    assert rows == {
        "reps": 2, "accounts": 3, "leads": 3, "lead_stage_events": 4, "orders": 3,
        "cancellations": 1,
    }
    missing = tiny_build.query(
        "select count(*) from marts.build_info where not is_present and row_count is null"
    )
    assert missing == [(12,)]
    # as_of defaults to the latest event date: OR3 at 2025-05-20T23:30-02:00 is 05-21 UTC
    assert tiny_build.query("select distinct cast(as_of_date as varchar), as_of_origin "
                            "from marts.build_info") == [("2025-05-21", "latest event date")]


def test_staging_types_are_exact(tiny_build: BuildResult) -> None:
    name = tiny_build.query(
        "select account_name from staging.stg_crm__accounts where account_id = 'AC1'"
    )
    assert name == [('Müller & Söhne, "Nordlicht" GmbH',)]
    orders = dict(
        tiny_build.query(
            "select order_id, strftime(ordered_at, '%Y-%m-%d %H:%M') from staging.stg_crm__orders"
        )
    )
    # offsets are honoured: -02:00 moves the order into the next UTC day
    assert orders == {
        "OR1": "2025-04-15 10:00", "OR2": "2025-05-06 10:00", "OR3": "2025-05-21 01:30",
    }
    created = tiny_build.query(
        "select strftime(created_at, '%Y-%m-%d %H:%M') from staging.stg_crm__accounts "
        "where account_id = 'AC2'"
    )
    assert created == [("2024-02-01 08:00",)]
    amounts = dict(tiny_build.query("select order_id, net_amount from staging.stg_crm__orders"))
    assert amounts == {
        "OR1": Decimal("1234.56"), "OR2": Decimal("0.10"), "OR3": Decimal("99999999.99"),
    }
    stages = tiny_build.query(
        "select funnel_stage from staging.stg_crm__lead_stage_events "
        "where lead_id = 'LD201' order by entered_at"
    )
    assert stages == [("first_meeting",), ("offer_sent",)]  # ' ersttermin ' and English name


def test_no_personal_data_outside_staging(tiny_build: BuildResult) -> None:
    columns = tiny_build.query(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema not in ('raw', 'staging')"
    )
    assert columns, "the build has models outside staging"
    leaks = [
        c for c in columns
        if c[2] in PERSONAL_COLUMNS or "email" in c[2] or c[2] in ("first_name", "last_name")
    ]
    assert leaks == []
    staged = {c[2] for c in tiny_build.query(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema = 'staging'"
    )}
    assert staged.isdisjoint(PERSONAL_COLUMNS)


def _to_parquet(src: Path, dst: Path) -> None:
    """The same export as Parquet, with types as a tool would write them."""
    dst.mkdir()
    with duckdb.connect() as con:
        for csv in sorted(src.glob("*.csv")):
            con.sql(
                f"copy (select * from read_csv('{csv}', header = true)) "
                f"to '{dst / csv.with_suffix('.parquet').name}' (format parquet)"
            )


def test_parquet_export_builds_identically(tiny_build: BuildResult, tmp_path: Path) -> None:
    _to_parquet(TINY_EXPORT, tmp_path / "parquet")
    result = dbt(["build"], tmp_path / "warehouse.duckdb", data_dir=tmp_path / "parquet")
    assert result.ok, result.output[-5000:]
    for model in ["staging.stg_crm__orders", "staging.stg_crm__accounts",
                  "staging.stg_crm__lead_stage_events", "marts.kpi_monthly"]:
        query = f"select * from {model} order by all"
        assert result.query(query) == tiny_build.query(query), model


def test_without_optional_tables_still_builds(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(TINY_EXPORT, export)
    (export / "cancellations.csv").unlink()
    result = dbt(["build"], tmp_path / "warehouse.duckdb", data_dir=export)
    assert result.ok, result.output[-5000:]
    optional = [t.name for t in contract.TABLES if not t.required]
    assert f"Tables missing ({len(optional)}): {', '.join(optional)}" in result.output
    assert result.query("select count(*) from marts.build_info where not is_present") == [
        (len(optional),)
    ]


def test_missing_required_table_is_named(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(TINY_EXPORT, export)
    (export / "orders.csv").unlink()
    result = dbt(["build"], tmp_path / "warehouse.duckdb", data_dir=export)
    assert not result.ok
    assert "required table orders is missing from data_dir" in result.output


def _warehouse_path(cwd: Path, target: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items()
           if k not in ("B2B_KPIS_DUCKDB", "DBT_PROFILES_DIR", "DBT_PROJECT_DIR")}
    out = subprocess.run(
        [DBT, "run-operation", "print_warehouse_path", *args],
        cwd=cwd, env={**env, "DBT_TARGET_PATH": str(target), "DBT_LOG_PATH": str(target)},
        capture_output=True, text=True, check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("warehouse: "))
    return os.path.realpath(line.removeprefix("warehouse: "))


def test_warehouse_file_is_the_projects_wherever_dbt_starts(tmp_path: Path) -> None:
    expected = os.path.realpath(PROJECT_DIR / "warehouse" / "b2b_sales_kpis.duckdb")
    assert _warehouse_path(PROJECT_DIR, tmp_path / "target") == expected
    from_elsewhere = _warehouse_path(
        tmp_path, tmp_path / "target", "--project-dir", str(PROJECT_DIR),
        "--profiles-dir", str(PROJECT_DIR),
    )
    assert from_elsewhere == expected


def test_dbt_macro_and_seed_properties_match_the_contract_module() -> None:
    assert (PROJECT_DIR / "macros" / "input_contract.sql").read_text(encoding="utf-8") == (
        contract.render_macro()
    )
    assert (PROJECT_DIR / "seeds" / "demo" / "_demo__seeds.yml").read_text(encoding="utf-8") == (
        contract.render_seed_properties()
    )
