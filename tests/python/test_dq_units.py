"""The data-quality gate's Python parts without dbt: the generated rules macro is in sync,
the export reader names problems and settings, the suites judge small frames, and the report
renders offline."""

from __future__ import annotations

from datetime import datetime

import dq_export
import dq_gate
import dq_report
import dq_rules
import pandas as pd
from conftest import PROJECT_DIR

from b2b_sales_kpis.build import transcode_export


def test_rules_macro_is_generated_from_the_python_rules() -> None:
    committed = (PROJECT_DIR / "macros" / "dq_rules.sql").read_text(encoding="utf-8")
    assert committed == dq_rules.render_macro(), "run: python python_checks/dq_rules.py"


def test_every_contract_table_has_rules() -> None:
    assert set(dq_rules.RULES) == {t.name for t in dq_rules.TABLES}


def test_export_reader_names_the_setting(tmp_path) -> None:
    (tmp_path / "reps.csv").write_text("rep_id;full_name;email;team;hired_on;left_on\n",
                                       encoding="utf-8")
    (tmp_path / "orders.csv").write_bytes(b"")
    problems = dq_export.problems(dq_export.inspect_export(str(tmp_path)))
    assert problems == [
        "table reps: reps.csv is separated by ';', but csv_delimiter is ',': set "
        "csv_delimiter: ';' (dbt --vars) or CSV_DELIMITER=';' for make build (German exports "
        "also write decimal commas: csv_decimal_separator ',')",
        "table orders: orders.csv is empty: not even a header line (expected order_id, "
        "account_id, lead_id, rep_id, ordered_at, net_amount)",
    ]


def test_encodings_dbt_cannot_read_are_sent_to_make_build(tmp_path) -> None:
    (tmp_path / "reps.csv").write_bytes("rep_id,full_name,email,team,hired_on,left_on\n"
                                        "R1,Jörg,j@x.de,Süd,2020-01-01,\n".encode("cp1252"))
    problems = dq_export.problems(dq_export.inspect_export(str(tmp_path), encoding="cp1252"))
    assert problems == [
        "table reps: reps.csv is cp1252, which dbt's DuckDB does not read: build with `make "
        "build CSV_ENCODING=cp1252` (python -m b2b_sales_kpis.build --csv-encoding ...), "
        "which hands dbt a UTF-8 copy in target/export_utf8/"]
    count = transcode_export(tmp_path, "cp1252", tmp_path / "utf8")
    assert count == 1
    assert "Süd" in (tmp_path / "utf8" / "reps.csv").read_text(encoding="utf-8")


def _orders_frame(amounts: list[float | None]) -> pd.DataFrame:
    n = len(amounts)
    frame = pd.DataFrame({
        "_key": [f"O{i}" for i in range(n)],
        "order_id": [f"O{i}" for i in range(n)],
        "account_id": ["A1"] * n, "lead_id": [None] * n, "rep_id": ["R1"] * n,
        "ordered_at": pd.to_datetime(["2025-01-01"] * n),
        "ordered_at__unparsed": [None] * n,
        "net_amount": amounts,
        "net_amount__unparsed": [None] * n,
        "account_id__unresolved": [None] * n, "lead_id__unresolved": [None] * n,
        "rep_id__unresolved": [None] * n,
        "leads__created_at": pd.to_datetime([None] * n),
    })
    return frame


def test_orders_suite_judges_a_small_frame() -> None:
    from dq_suites import input_suite

    dq_gate._context()
    moment = datetime(2026, 1, 1)
    rows = dq_gate.validate(input_suite("orders", moment), _orders_frame([10.0, -1.0, 5.0]),
                            "run", moment)
    results = dq_gate.results_frame(rows)
    failed = results[~results["success"]]
    assert failed[["rule", "column_name", "unexpected_count", "sample_keys"]].values.tolist() \
        == [["amounts > 0", "net_amount", 1, "O1"]]
    assert dq_gate.blocking_failures(results) == [
        "table orders, column net_amount, rule 'amounts > 0' (blocking): net_amount > 0: "
        "1 of 3 rows fail; e.g. orders O1 (values: -1)."]
    html = dq_report.render(results)
    assert "1 blocking expectation(s) failed" in html and "http" not in html


def _random_frame(table_name: str, rows: int, seed: int) -> pd.DataFrame:
    """A frame as macros/dq_frame.sql builds it, with random values and random violations of
    every kind (unparsed text, nulls, unknown references, out-of-range values, ...)."""
    import random

    rng = random.Random(seed)
    table = dq_rules.TABLES_BY_NAME[table_name]
    rules = dq_rules.RULES[table_name]
    base = pd.Timestamp("2025-01-01")

    def maybe(value, p=0.01):
        return None if rng.random() < p else value

    data: dict[str, list] = {"_key": [f"K{i}" for i in range(rows)]}
    for c in table.columns:
        name = dq_rules.frame_column(c)
        if c.type in ("ts", "date"):
            data[name] = [maybe(base + pd.Timedelta(days=rng.randrange(-400, 720)))
                          for _ in range(rows)]
        elif c.type in ("num", "int"):
            data[name] = [maybe(float(rng.randrange(-1, 80))) for _ in range(rows)]
        elif c.type == "bool":
            data[name] = [maybe(rng.random() < 0.5) for _ in range(rows)]
        elif c.name in rules.allowed:
            values = list(rules.allowed[c.name]) * 20 + ["Bogus"]
            data[name] = [maybe(rng.choice(values)) for _ in range(rows)]
        elif c.name in rules.regex:
            data[name] = [maybe(rng.choice(["DE"] * 30 + ["xx"])) for _ in range(rows)]
        elif c.personal or c.name not in dq_rules.valued_columns(table_name):
            data[name] = [maybe(True) for _ in range(rows)]
        else:
            data[name] = [maybe(f"{c.name[:2].upper()}{rng.randrange(rows)}", 0.02)
                          for _ in range(rows)]
        if c.type in ("ts", "date", "num", "int", "bool"):
            data[f"{c.name}__unparsed"] = [
                "bad" if data[name][i] is None and rng.random() < 0.5 else None
                for i in range(rows)]
    for ref in rules.references:
        data[f"{ref.column}__unresolved"] = [maybe("X", 0.98) for _ in range(rows)]
    for parent in rules.parents:
        data[parent.frame_column] = [maybe(base + pd.Timedelta(days=rng.randrange(-30, 30)))
                                     for _ in range(rows)]
    if table_name == "lead_stage_events":
        data["crm_stage__unmapped"] = [maybe("Unknown", 0.98) for _ in range(rows)]
        data["funnel_stage"] = [rng.choice(["lost", "offer_sent", None]) for _ in range(rows)]
    frame = pd.DataFrame(data)
    for name in frame.columns:
        if frame[name].map(lambda v: isinstance(v, pd.Timestamp)).any():
            frame[name] = pd.to_datetime(frame[name])
    return frame


def test_gx_judges_the_same_on_the_suspect_rows_alone() -> None:
    """The SQL conditions that pick the rows GX sees (dq_rules.suspect_predicates) never drop a
    row that an expectation rejects: GX's verdicts and counts on the suspect rows equal those
    on the whole frame."""
    import duckdb
    from dq_suites import input_suite

    dq_gate._context()
    moment = dq_gate.build_moment()  # the SQL conditions compare with now()
    for seed, table_name in enumerate(
            ["accounts", "leads", "lead_stage_events", "orders", "complaints", "contracts",
             "newsletter_sends", "ad_spend_daily", "feedback", "reps", "social_daily"]):
        frame = _random_frame(table_name, 300, seed)
        key = list(dq_rules.unique_columns(table_name))
        condition = " or ".join(
            [f"coalesce({p}, false)" for p in dq_rules.suspect_predicates(table_name)]
            + [f"count(*) over (partition by {', '.join(key)}) > 1"])
        with duckdb.connect() as con:
            con.execute("set TimeZone = 'UTC'")
            con.register("frame", frame)
            suspect = con.sql(f"select * exclude (_s) from (select *, {condition} as _s "
                              "from frame) where _s").df()
        assert 0 < len(suspect) < len(frame), table_name
        suite = input_suite(table_name, moment)
        whole = dq_gate.results_frame(dq_gate.validate(suite, frame, "r", moment))
        part = dq_gate.results_frame(dq_gate.validate(suite, suspect, "r", moment,
                                                      element_total=len(frame)))
        columns = ["rule", "column_name", "description", "success", "unexpected_count"]
        assert part[columns].equals(whole[columns]), table_name
