"""`make build`: seed, build, validate and publish on DuckDB, then say where the warehouse is.

Runs `dbt build` in-process with the vars that DATA_DIR and AS_OF set, so that the same
command works for the demo data and for a user's own export folder.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def warehouse_path() -> Path:
    """Where profiles.yml puts the DuckDB file (B2B_KPIS_DUCKDB overrides it)."""
    override = os.environ.get("B2B_KPIS_DUCKDB")
    return Path(override) if override else PROJECT_DIR / "warehouse" / "b2b_sales_kpis.duckdb"


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


def run_dbt(args: list[str]) -> bool:
    from dbt.cli.main import dbtRunner

    os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    result = dbtRunner().invoke([*args, "--project-dir", str(PROJECT_DIR)])
    return bool(result.success)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default=os.environ.get("DATA_DIR") or None)
    parser.add_argument("--as-of", default=os.environ.get("AS_OF") or None)
    args = parser.parse_args(argv)

    build_vars = dbt_vars(args.data_dir, args.as_of)
    ok = run_dbt(["build", "--vars", json.dumps(build_vars)])
    if not ok:
        print("\ndbt build failed: the marts were not published (see the errors above).")
        return 1
    path = warehouse_path()
    print(f"\nWarehouse: {path}")
    print("Query it, e.g.:")
    print(f"  .venv/bin/python -c \"import duckdb; print(duckdb.connect('{path}', read_only=True)"
          ".sql('select * from marts.kpi_monthly limit 10'))\"")
    return 0


if __name__ == "__main__":
    sys.exit(main())
