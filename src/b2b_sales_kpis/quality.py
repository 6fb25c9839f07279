"""The data-quality gate from the command line, around dbt (docs/data_quality.md).

Where dbt cannot run the gate's Python models (adapters without Python models, or
`--vars '{dq_gate_in_dbt: false}'`), the same suites run here, between building the frames and
building the marts:

    dbt build --vars '{dq_gate_in_dbt: false, data_dir: ...}' --exclude 'path:models/marts'
    python -m b2b_sales_kpis.quality --data-dir ...        # exit 1: stop, marts untouched
    dbt build --vars '{dq_gate_in_dbt: false, data_dir: ...}' --select 'path:models/marts'

It reads the export folder (python_checks/dq_export.py), the frames staging.dq_<table> and
quality.quarantined_rows from the warehouse, writes quality.validation_results and
target/data_quality_report.html, prints every failure and exits 1 on a blocking one. With
--kpi-monthly it validates the rows of the int_*_kpis_monthly models instead. Reading the
warehouse is the only DuckDB-specific part (`read_frame`).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR / "python_checks"))

import dq_export  # noqa: E402
import dq_gate  # noqa: E402
import dq_report  # noqa: E402

from b2b_sales_kpis.build import warehouse_path  # noqa: E402

KPI_MODELS = {
    "funnel": "intermediate.int_funnel_kpis_monthly",
    "order_quality": "intermediate.int_order_quality_kpis_monthly",
    "customers": "intermediate.int_customer_kpis_monthly",
    "relationships": "intermediate.int_relationship_kpis_monthly",
    "marketing": "intermediate.int_marketing_kpis_monthly",
    "people": "intermediate.int_people_kpis_monthly",
    "catalog": "config.kpi_catalog",
    "calendar": "intermediate.int_calendar_months",
}


def read_frame(con, table: str):
    """(the rows of staging.dq_<table> that may fail, its row count)."""
    return dq_gate.fetch_frame(con, f"select * from staging.dq_{table}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, default=None,
                        help="the DuckDB file (default: as profiles.yml / B2B_KPIS_DUCKDB)")
    parser.add_argument("--data-dir", default=os.environ.get("DATA_DIR") or None)
    parser.add_argument("--csv-delimiter", default=os.environ.get("CSV_DELIMITER") or ",")
    parser.add_argument("--csv-encoding", default=os.environ.get("CSV_ENCODING") or "utf-8")
    parser.add_argument("--kpi-monthly", action="store_true",
                        help="validate the rows kpi_monthly is about to publish")
    args = parser.parse_args(argv)

    import duckdb

    files = dq_export.inspect_export(args.data_dir, args.csv_delimiter, args.csv_encoding)
    problems = dq_export.problems(files)
    if problems:
        print("Bad input: the export cannot be read as declared:")
        print("\n".join(f"  - {p}" for p in problems))
        return 1

    with duckdb.connect(str(args.warehouse or warehouse_path())) as con:
        if args.kpi_monthly:
            relations = {name: con.sql(f"select * from {table}")
                         for name, table in KPI_MODELS.items()}
            results = dq_gate.run_kpi_suite(dq_gate.kpi_frame(con, relations))
            con.execute("create schema if not exists quality")
            con.register("results", results)
            con.execute("create table if not exists quality.validation_results as "
                        "select * from results where false")
            con.execute("delete from quality.validation_results where suite = 'kpi_monthly'")
            con.execute("insert into quality.validation_results select * from results")
            everything = con.sql("select * from quality.validation_results").df()
        else:
            results = dq_gate.run_input_suites(lambda table: read_frame(con, table))
            con.register("results", results)
            con.execute("create or replace table quality.validation_results as "
                        "select * from results")
            everything = results
        quarantine = dq_gate.quarantine_summary(con.sql("select * from quality.quarantined_rows"))
        import pandas as pd

        report = dq_report.write(everything, quarantine,
                                 pd.DataFrame(dq_export.as_records(files)))

    failures = dq_gate.blocking_failures(results)
    warnings = results[~results["success"] & (results["severity"] != "blocking")]
    print(f"Data quality: {len(results)} expectations checked, {len(failures)} blocking failed, "
          f"{len(warnings)} warning(s); report: {report}")
    print(f"Quarantined {int(quarantine['row_count'].sum()) if len(quarantine) else 0} row(s)")
    if failures:
        print(f"Data-quality gate failed: {len(failures)} blocking expectation(s); do not "
              "build the marts.")
        print("\n".join(f"  - {m}" for m in failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
