"""`make build`: seed, build, validate and publish on DuckDB, then say where the warehouse is.

Runs `dbt build` in-process with the vars that DATA_DIR and AS_OF set, so that the same
command works for the demo data and for a user's own export folder. German exports:
CSV_DELIMITER (';'), CSV_DECIMAL (',') and CSV_ENCODING (e.g. cp1252) say how the CSV files are
written; an encoding DuckDB cannot read itself (Windows-1252 and the like) is converted first:
a UTF-8 copy of the folder goes to target/export_utf8/ and dbt reads that.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
# what DuckDB's read_csv decodes itself (python_checks/dq_export.py agrees)
DUCKDB_ENCODINGS = {"utf-8", "utf8", "utf-8-sig", "utf-16", "latin-1", "latin1"}


def warehouse_path() -> Path:
    """Where profiles.yml puts the DuckDB file (B2B_KPIS_DUCKDB overrides it)."""
    override = os.environ.get("B2B_KPIS_DUCKDB")
    return Path(override) if override else PROJECT_DIR / "warehouse" / "b2b_sales_kpis.duckdb"


def target_path() -> Path:
    path = Path(os.environ.get("DBT_TARGET_PATH") or "target")
    return path if path.is_absolute() else PROJECT_DIR / path


def dbt_vars(data_dir: str | None, as_of: str | None) -> dict[str, str]:
    build_vars: dict[str, str] = {}
    if data_dir:
        path = Path(data_dir).expanduser().resolve()
        if not path.is_dir():
            raise SystemExit(f"DATA_DIR {data_dir!r} is not a folder.")
        build_vars["data_dir"] = str(path)
    if as_of:
        build_vars["as_of"] = as_of
    return build_vars


def transcode_export(data_dir: Path, encoding: str, out_dir: Path) -> int:
    """Copy data_dir to out_dir with every CSV file converted from encoding to UTF-8 (other
    files as they are). Returns the number of CSV files converted; a file that is not valid in
    the declared encoding stops with a message naming it."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    converted = 0
    for path in sorted(data_dir.iterdir()):
        if not path.is_file():
            continue
        if path.suffix.lower() != ".csv":
            shutil.copy2(path, out_dir / path.name)
            continue
        try:
            text = path.read_bytes().decode(encoding)
        except UnicodeDecodeError as err:
            raise SystemExit(f"Bad input: {path.name} is not {encoding} (byte "
                             f"0x{err.object[err.start:err.start + 1].hex().upper()} at offset "
                             f"{err.start}); set CSV_ENCODING to the file's encoding.") from err
        (out_dir / path.name).write_text(text.lstrip("\ufeff"), encoding="utf-8")
        converted += 1
    return converted


def run_dbt(args: list[str]) -> bool:
    from dbt.cli.main import dbtRunner

    os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    result = dbtRunner().invoke([*args, "--project-dir", str(PROJECT_DIR)])
    return bool(result.success)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default=os.environ.get("DATA_DIR") or None)
    parser.add_argument("--as-of", default=os.environ.get("AS_OF") or None)
    parser.add_argument("--csv-delimiter", default=os.environ.get("CSV_DELIMITER") or None,
                        help="CSV field separator, e.g. ';' (default ',')")
    parser.add_argument("--csv-decimal", default=os.environ.get("CSV_DECIMAL") or None,
                        help="decimal separator of amounts, '.' or ',' (default '.')")
    parser.add_argument("--csv-encoding", default=os.environ.get("CSV_ENCODING") or None,
                        help="encoding of the CSV files, e.g. cp1252 (default utf-8)")
    parser.add_argument("--select", nargs="+", default=None,
                        help="build only these dbt nodes (dbt --select)")
    parser.add_argument("--no-gate", action="store_true",
                        help="leave the data-quality gate out (benchmarks only: marts are then "
                             "published unchecked)")
    args = parser.parse_args(argv)

    build_vars: dict[str, object] = dict(dbt_vars(args.data_dir, args.as_of))
    if args.csv_delimiter:
        build_vars["csv_delimiter"] = "\t" if args.csv_delimiter in ("tab", "\\t") \
            else args.csv_delimiter
    if args.csv_decimal:
        build_vars["csv_decimal_separator"] = args.csv_decimal
    encoding = (args.csv_encoding or "utf-8").lower()
    if args.csv_encoding:
        build_vars["csv_encoding"] = encoding
    if encoding not in DUCKDB_ENCODINGS and "data_dir" in build_vars:
        source = Path(str(build_vars["data_dir"]))
        copy = target_path() / "export_utf8"
        count = transcode_export(source, encoding, copy)
        print(f"Export {source}: converted {count} file(s) from {encoding} to UTF-8 into {copy}")
        build_vars["data_dir"] = str(copy)
        build_vars["csv_encoding"] = "utf-8"

    if args.no_gate:
        build_vars["dq_gate_in_dbt"] = False
    command = ["build", "--vars", json.dumps(build_vars)]
    if args.select:
        command += ["--select", *args.select]
    ok = run_dbt(command)
    report = target_path() / "data_quality_report.html"
    if not ok:
        print("\ndbt build failed: the marts were not published (see the errors above).")
        if report.exists():
            print(f"Data-quality report: {report}")
        return 1
    path = warehouse_path()
    print(f"\nWarehouse: {path}")
    print(f"Data-quality report: {report}")
    print("Query it, e.g.:")
    print(f"  .venv/bin/python -c \"import duckdb; print(duckdb.connect('{path}', read_only=True)"
          ".sql('select * from marts.kpi_monthly limit 10'))\"")
    return 0


if __name__ == "__main__":
    sys.exit(main())
