"""The bad-input matrix of the data-quality gate (docs/data_quality.md): every violation class
of the input contract, each German CSV dialect, unreadable files and the quarantine, each with
its exact outcome. Where the gate stops the build, the marts of the previous good build stay
exactly as they were.

Kept fast: one good full build per module; the bad exports are few and each holds several
violations in different tables (the gate reports them all at once), so one dbt run serves
several cases of the matrix. Each bad build copies the good warehouse and builds the gate and
what depends on it (`+validation_results+`), enough to show that no mart is rebuilt; the
violations build runs the whole `dbt build`."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BASE_REPS, PROJECT_DIR, BuildResult, dbt, write_export

GATE_AND_MARTS = ["build", "-s", "+validation_results+"]
GATE_ONLY = ["build", "-s", "+validation_results"]

ACCOUNTS = """\
account_id,account_name,industry,segment,country,created_at,owner_rep_id
A1,"Müller & Söhne, ""Nordlicht"" GmbH",Maschinenbau,SMB,DE,2024-01-05T09:00:00Z,RP01
A2,Schmidt KG,Handel,Enterprise,AT,2024-02-01T10:00:00Z,RP02
"""
LEADS = """\
lead_id,account_id,owner_rep_id,lead_source,created_at,referred_by_account_id
L1,A1,RP01,website,2025-03-03T10:00:00Z,
L2,A2,RP02,referral,2025-03-05T10:00:00Z,A1
"""
EVENTS = """\
lead_id,crm_stage,entered_at,lost_reason
L1,Ersttermin,2025-03-10T10:00:00Z,
L1,Angebot versendet,2025-03-24T10:00:00Z,
L2,Ersttermin,2025-03-12T10:00:00Z,
L2,Verloren,2025-03-20T10:00:00Z,price
"""
ORDERS = """\
order_id,account_id,lead_id,rep_id,ordered_at,net_amount
O1,A1,L1,RP01,2025-04-15T10:00:00Z,1234.56
O2,A2,,RP02,2025-05-06T10:00:00Z,80.10
O3,A1,,RP01,2025-05-20T10:00:00Z,99.00
"""
ACTIVITIES = """\
activity_id,account_id,rep_id,activity_type,occurred_at,duration_minutes
ACT1,A1,RP01,visit,2025-03-01T09:00:00Z,60
ACT2,A2,RP02,phone_call,2025-03-02T09:00:00Z,
"""
GOOD = {"reps": BASE_REPS, "accounts": ACCOUNTS, "leads": LEADS, "lead_stage_events": EVENTS,
        "orders": ORDERS, "activities": ACTIVITIES}
SNAPSHOT_SQL = (
    "select 'build_info', table_name, cast(built_at as varchar), dbt_invocation_id, "
    "cast(row_count as varchar) from marts.build_info "
    "union all select 'kpi_monthly', kpi_code, cast(period_month as varchar), slice_value, "
    "cast(value as varchar) from marts.kpi_monthly order by all"
)


def replace(tables: dict[str, str], table: str, old: str, new: str) -> dict[str, str]:
    assert old in tables[table], old
    return {**tables, table: tables[table].replace(old, new)}


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, list[tuple]]:
    folder = tmp_path_factory.mktemp("good")
    export = write_export(folder / "export", GOOD)
    result = dbt(["build"], folder / "warehouse.duckdb", data_dir=export)
    assert result.ok, result.output[-5000:]
    snapshot = result.query(SNAPSHOT_SQL)
    assert [r for r in snapshot if r[0] == "build_info"], "build_info was not published"
    return result, snapshot


def build_bad(tmp_path: Path, good_build, tables: dict[str, str] | None = None, *,
              command: list[str] | None = None, extra_vars: dict | None = None,
              raw_files: dict[str, bytes] | None = None) -> BuildResult:
    """Build a bad export into a copy of the good warehouse."""
    good, _ = good_build
    export = write_export(tmp_path / "export", tables or {})
    for name, data in (raw_files or {}).items():
        (export / name).write_bytes(data)
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(good.db_path, db)
    return dbt(command or GATE_AND_MARTS, db, data_dir=export, extra_vars=extra_vars)


def assert_stopped(result: BuildResult, good_build, *texts: str) -> None:
    """The build failed with every text in its output, and the marts are as they were."""
    assert not result.ok, result.output[-3000:]
    for text in texts:
        assert text in result.output, f"{text!r} not in output:\n{result.output[-4000:]}"
    assert result.query(SNAPSHOT_SQL) == good_build[1]


# --- violation classes: one export with one violation per table, the whole `dbt build` -----

VIOLATIONS = {
    **GOOD,
    # keys unique and not null
    "orders": ORDERS.replace("O3,A1,", "O2,A1,").replace(",80.10", ",-5.00")
    + "O4,A9,,RP01,2025-05-21T10:00:00Z,10.00\n" + "O5,A1,,RP01,21.05.2025,10.00\n",
    # allowed values
    "accounts": ACCOUNTS.replace(",Enterprise,", ",Large,"),
    # unmapped stage; a stage event before its lead was created
    "lead_stage_events": EVENTS.replace("Verloren", "Zwischenstand")
    .replace("L1,Ersttermin,2025-03-10", "L1,Ersttermin,2025-03-01"),
    # an event after the moment the build runs
    "activities": ACTIVITIES.replace("2025-03-02T09:00:00Z", "2099-03-02T09:00:00Z"),
}

VIOLATION_MESSAGES = {
    "duplicate key":
        "table orders, column order_id, rule 'keys unique and not null' (blocking): "
        "order_id is unique: 2 of 5 rows fail; e.g. orders O2.",
    "unknown reference":
        "table orders, column account_id, rule 'references resolve' (blocking): account_id "
        "names an existing accounts.account_id: 1 of 5 rows fail; e.g. orders O4 (values: A9).",
    "amount not > 0":
        "table orders, column net_amount, rule 'amounts > 0' (blocking): net_amount > 0: "
        "1 of 5 rows fail; e.g. orders O2 (values: -5).",
    "timestamp that does not parse":
        "table orders, column ordered_at, rule 'timestamps parse' (blocking): ordered_at "
        "parses as timestamp: 1 of 5 rows fail; e.g. orders O5 (values: 21.05.2025). "
        "Hint: dates must be ISO 8601",
    "value not allowed":
        "table accounts, column segment, rule 'allowed values' (blocking): segment is one of "
        "SMB, Mid-Market, Enterprise: 1 of 2 rows fail; e.g. accounts A2 (values: Large).",
    "unmapped stage":
        "table lead_stage_events, column crm_stage, rule 'every stage name mapped' (blocking): "
        "crm_stage has a row in funnel_stage_mapping: 1 of 4 rows fail; e.g. lead_stage_events "
        "L2|Zwischenstand|2025-03-20T10:00:00Z (values: Zwischenstand). Hint: add the stage to "
        "funnel_stage_mapping",
    "stage event before its lead":
        "table lead_stage_events, column entered_at, rule 'not before its parent' (blocking): "
        "entered_at is not before its lead's created_at: 1 of 4 rows fail; "
        "e.g. lead_stage_events L1|Ersttermin|2025-03-01T10:00:00Z (values: 2025-03-01 "
        "10:00:00 vs 2025-03-03 10:00:00).",
    "timestamp after the build":
        "table activities, column occurred_at, rule 'timestamps not after the build' "
        "(blocking)",
}


@pytest.fixture(scope="module")
def violations_build(tmp_path_factory, good_build) -> BuildResult:
    return build_bad(tmp_path_factory.mktemp("violations"), good_build, VIOLATIONS,
                     command=["build"])


@pytest.mark.parametrize("case", list(VIOLATION_MESSAGES))
def test_violation_stops_the_build(case: str, violations_build, good_build) -> None:
    assert_stopped(violations_build, good_build, VIOLATION_MESSAGES[case])


def test_violations_are_reported_together_and_no_mart_is_rebuilt(violations_build,
                                                                 good_build) -> None:
    assert_stopped(
        violations_build, good_build,
        f"Data-quality gate failed: {len(VIOLATION_MESSAGES) + 0} blocking expectation(s); the "
        "marts were not rebuilt (the last good ones stay published).",
        "SKIP relation marts.kpi_monthly", "SKIP relation marts.build_info",
        "1 of 2 rows fail; e.g. activities ACT2 (values: 2099-03-02 09:00:00).",
    )
    failed = violations_build.query(
        "select suite, column_name, unexpected_count, sample_keys from "
        "quality.validation_results where not success and severity = 'blocking' order by all")
    assert ("orders", "order_id", 2, "O2") in failed
    assert len(failed) == len(VIOLATION_MESSAGES)


def test_empty_required_table(tmp_path, good_build) -> None:
    result = build_bad(tmp_path, good_build, {**GOOD, "orders": ORDERS.splitlines()[0] + "\n"})
    assert_stopped(
        result, good_build,
        "table orders, column -, rule 'row counts within bounds' (blocking): orders has rows "
        "(the contract requires them): observed 0.",
    )


# --- files that cannot be read as declared: one export, one bad file per table ---------------

UNREADABLE_MESSAGES = {
    "missing required column":
        "table leads: leads.csv lacks the required column(s) referred_by_account_id; found: "
        "lead_id, account_id, owner_rep_id, lead_source, created_at",
    "not a CSV file":
        "table orders: orders.csv is not a CSV file: it looks like a ZIP archive or an Excel "
        ".xlsx workbook. Export the table as CSV text (or Parquet) with a header line",
    "duplicated header":
        "table activities: activities.csv has the column(s) account_id more than once in its "
        "header",
    "semicolons not declared":
        "table accounts: accounts.csv is separated by ';', but csv_delimiter is ',': set "
        "csv_delimiter: ';' (dbt --vars) or CSV_DELIMITER=';' for make build",
    "Windows-1252 not declared":
        "table reps: reps.csv is not utf-8 (byte 0xF6 on line 2); it reads as Windows-1252 "
        "('ö'): set csv_encoding: 'cp1252' (dbt --vars) or CSV_ENCODING='cp1252' for make "
        "build",
}


@pytest.fixture(scope="module")
def unreadable_build(tmp_path_factory, good_build) -> BuildResult:
    leads = "\n".join(line.rsplit(",", 1)[0] for line in LEADS.splitlines()) + "\n"
    tables = {
        **GOOD,
        "leads": leads,
        "activities": ACTIVITIES.replace("rep_id,activity_type", "account_id,activity_type"),
        "accounts": german({"accounts": ACCOUNTS})["accounts"],
    }
    del tables["orders"], tables["reps"]
    xlsx = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256))
    return build_bad(tmp_path_factory.mktemp("unreadable"), good_build, tables,
                     raw_files={"orders.csv": xlsx, "reps.csv": BASE_REPS.encode("cp1252")})


@pytest.mark.parametrize("case", list(UNREADABLE_MESSAGES))
def test_unreadable_file_is_rejected(case: str, unreadable_build, good_build) -> None:
    assert_stopped(unreadable_build, good_build,
                   "Bad input: the export cannot be read as declared:",
                   UNREADABLE_MESSAGES[case])


# --- German exports ---------------------------------------------------------------------------

def german(tables: dict[str, str]) -> dict[str, str]:
    """The same export as a German spreadsheet writes it: ';' separated, decimal commas."""
    out = {}
    for name, text in tables.items():
        rows = list(csv.reader(io.StringIO(text)))
        if name == "orders":
            for row in rows[1:]:
                row[5] = f"{float(row[5]):,.2f}".translate(str.maketrans(",.", ".,"))
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\n").writerows(rows)
        out[name] = buffer.getvalue()
    return out


def test_decimal_comma_not_declared(tmp_path, good_build) -> None:
    result = build_bad(tmp_path, good_build, german(GOOD), extra_vars={"csv_delimiter": ";"})
    assert_stopped(
        result, good_build,
        "table orders, column net_amount, rule 'required columns and types' (blocking): "
        "net_amount parses as num: 3 of 3 rows fail; e.g. orders O1, O2, O3 (values: "
        "1.234,56, 80,10, 99,00). Hint: these look like decimal commas: set "
        "csv_decimal_separator: ',' (CSV_DECIMAL=',' for make build).",
    )


def test_german_export_with_bom_declared_builds(tmp_path, good_build) -> None:
    tables = german(GOOD)
    bom_reps = b"\xef\xbb\xbf" + tables.pop("reps").encode("utf-8")
    result = build_bad(tmp_path, good_build, tables, raw_files={"reps.csv": bom_reps},
                       command=GATE_ONLY + ["stg_crm__orders", "stg_crm__accounts",
                                            "stg_crm__reps"],
                       extra_vars={"csv_delimiter": ";", "csv_decimal_separator": ","})
    assert result.ok, result.output[-4000:]
    amounts = result.query("select order_id, cast(net_amount as varchar) "
                           "from staging.stg_crm__orders order by 1")
    assert amounts == [("O1", "1234.560000"), ("O2", "80.100000"), ("O3", "99.000000")]
    names = result.query("select account_name from staging.stg_crm__accounts order by 1")
    assert names == [('Müller & Söhne, "Nordlicht" GmbH',), ("Schmidt KG",)]
    assert result.query("select rep_id, team from staging.stg_crm__reps order by 1") == [
        ("RP01", "Nord"), ("RP02", "Süd")]


def test_windows_1252_declared_builds_through_make_build(tmp_path) -> None:
    export = write_export(tmp_path / "export", {k: v for k, v in GOOD.items() if k != "accounts"})
    accounts = ACCOUNTS.replace("Schmidt KG", "Schmidt KG – Zubehör €")
    (export / "accounts.csv").write_bytes(accounts.encode("cp1252"))
    (export / "reps.csv").write_bytes(BASE_REPS.encode("cp1252"))
    env = {**os.environ, "B2B_KPIS_DUCKDB": str(tmp_path / "wh.duckdb"),
           "DBT_TARGET_PATH": str(tmp_path / "target"), "DBT_LOG_PATH": str(tmp_path / "logs"),
           "CSV_ENCODING": "cp1252", "PYTHONPATH": str(PROJECT_DIR / "src")}
    proc = subprocess.run([sys.executable, "-m", "b2b_sales_kpis.build", "--data-dir",
                           str(export)], cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    assert "converted 6 file(s) from cp1252 to UTF-8" in output
    result = BuildResult(0, output, tmp_path / "wh.duckdb")
    assert result.query("select account_name from staging.stg_crm__accounts "
                        "where account_id = 'A2'") == [("Schmidt KG – Zubehör €",)]
    assert result.query("select team from staging.stg_crm__reps order by 1") == [
        ("Nord",), ("Süd",)]
    assert (tmp_path / "target" / "data_quality_report.html").exists()


# --- quarantine, and empty funnel tables: the build goes on -----------------------------------

@pytest.fixture(scope="module")
def quarantine_build(tmp_path_factory, good_build) -> BuildResult:
    header = ORDERS.splitlines()[0]
    tables = {
        **GOOD,
        "activities": ACTIVITIES + ACTIVITIES.splitlines()[1] + "\n",
        "orders": ORDERS.replace(",L1,", ",,") + header + "\n,,,,,\n",
        # leads and lead_stage_events may be empty (a business without a tracked funnel)
        "leads": LEADS.splitlines()[0] + "\n",
        "lead_stage_events": EVENTS.splitlines()[0] + "\n",
    }
    result = build_bad(tmp_path_factory.mktemp("quarantine"), good_build, tables,
                       command=["build"])
    assert result.ok, result.output[-4000:]
    return result


def test_exact_duplicate_activity_is_quarantined(quarantine_build) -> None:
    assert quarantine_build.query(
        "select row_key, row_data from quality.quarantined_rows "
        "where table_name = 'activities'") == [
        ("ACT1", '{"activity_id":"ACT1","account_id":"A1","rep_id":"RP01","activity_type":'
                 '"visit","occurred_at":"2025-03-01T09:00:00Z","duration_minutes":"60"}')]
    # quarantined before the staging tests: unique(activity_id) passed
    assert quarantine_build.query("select count(*) from staging.stg_crm__activities") == [(2,)]


def test_quarantine_is_counted_in_the_run_output(quarantine_build) -> None:
    assert ("Quarantined 3 row(s) (activities: 1 exact duplicate; orders: 1 empty row; "
            "orders: 1 repeated header line) in quality.quarantined_rows"
            in quarantine_build.output)
    assert quarantine_build.query("select count(*) from staging.stg_crm__orders") == [(3,)]


def test_empty_funnel_tables_are_valid(quarantine_build) -> None:
    assert ", 0 blocking failed" in quarantine_build.output
    assert quarantine_build.query(
        "select table_name, row_count from marts.build_info "
        "where table_name in ('leads', 'lead_stage_events') order by 1") == [
        ("lead_stage_events", 0), ("leads", 0)]


# --- the gate outside `dbt build` -----------------------------------------------------------

def test_dbt_run_does_not_publish_after_a_failed_gate(tmp_path, violations_build,
                                                      good_build) -> None:
    """`dbt run` runs no tests: the marts refuse to build while the gate's results fail."""
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(violations_build.db_path, db)
    result = dbt(["run", "-s", "kpi_monthly", "build_info"], db,
                 data_dir=violations_build.db_path.parent / "export")
    assert_stopped(result, good_build,
                   "Not rebuilt: the data-quality gate's latest run has 8 failed blocking "
                   "expectation(s) (quality.validation_results).")


def test_command_line_gate(tmp_path, violations_build, good_build) -> None:
    """python -m b2b_sales_kpis.quality: the same suites, around dbt."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR / "src"),
           "DBT_TARGET_PATH": str(tmp_path / "target")}
    outcomes = {}
    for name, build in (("good", good_build[0]), ("bad", violations_build)):
        db = tmp_path / f"{name}.duckdb"
        shutil.copy(build.db_path, db)
        proc = subprocess.run(
            [sys.executable, "-m", "b2b_sales_kpis.quality", "--warehouse", str(db),
             "--data-dir", str(build.db_path.parent / "export")],
            cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
        outcomes[name] = (proc.returncode, proc.stdout + proc.stderr)
    assert outcomes["good"][0] == 0, outcomes["good"][1]
    assert "0 blocking failed" in outcomes["good"][1]
    assert outcomes["bad"][0] == 1, outcomes["bad"][1]
    assert "Data-quality gate failed: 8 blocking expectation(s)" in outcomes["bad"][1]
    assert VIOLATION_MESSAGES["unknown reference"] in outcomes["bad"][1]
    assert (tmp_path / "target" / "data_quality_report.html").exists()


def test_dot_decimals_when_decimal_comma_is_declared(tmp_path, good_build) -> None:
    """With csv_decimal_separator ',' a dot separates thousands: 80.10 is no German number and
    is reported, not read as 8010."""
    tables = german(GOOD)
    tables["orders"] = tables["orders"].replace("80,10", "80.10")
    result = build_bad(tmp_path, good_build, tables,
                       extra_vars={"csv_delimiter": ";", "csv_decimal_separator": ","})
    assert_stopped(
        result, good_build,
        "table orders, column net_amount, rule 'required columns and types' (blocking): "
        "net_amount parses as num: 1 of 3 rows fail; e.g. orders O2 (values: 80.10).",
    )
