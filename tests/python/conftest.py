"""Shared helpers for the pytest suite: write a small export folder, build it with dbt into a
throw-away DuckDB file, and read the results back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).with_name("dbt"))

# The smallest valid rows of the three tables that must have rows; tests add what they need.
BASE_REPS = """\
rep_id,full_name,email,team,hired_on,left_on
RP01,Jörg Müller,joerg.mueller@example.com,Nord,2020-01-01,
RP02,Anna Schmidt,anna.schmidt@example.com,Süd,2020-01-01,
"""


@dataclass
class BuildResult:
    returncode: int
    output: str
    db_path: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.db_path), read_only=True) as con:
            return con.sql(sql).fetchall()

    def kpis(self, kpi_code: str, slice_type: str = "company") -> dict[str, tuple]:
        """{period_month 'YYYY-MM-DD': (slice_value, numerator, denominator, value, is_mature)}
        for one code and slice type (one row per month and slice value: key by month when
        the slice is company)."""
        rows = self.query(
            "select strftime(period_month, '%Y-%m-%d'), slice_value, numerator, denominator, "
            "value, is_mature from marts.kpi_monthly "
            f"where kpi_code = '{kpi_code}' and slice_type = '{slice_type}' "
            "order by 1, 2"
        )
        return {
            (r[0] if slice_type == "company" else f"{r[0]}|{r[1]}"): tuple(r[1:]) for r in rows
        }


def write_export(folder: Path, tables: dict[str, str]) -> Path:
    """Write `<table>.csv` files from dedented CSV text into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return folder


def dbt(
    command: list[str],
    db_path: Path,
    *,
    data_dir: Path | None = None,
    as_of: str | None = None,
    extra_vars: dict[str, object] | None = None,
    target_path: Path | None = None,
) -> BuildResult:
    """Run a dbt command in a subprocess against its own DuckDB file."""
    build_vars: dict[str, object] = dict(extra_vars or {})
    if data_dir is not None:
        build_vars["data_dir"] = str(data_dir)
    if as_of is not None:
        build_vars["as_of"] = as_of
    env = {
        **os.environ,
        "B2B_KPIS_DUCKDB": str(db_path),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_TARGET_PATH": str(target_path or db_path.parent / "target"),
        "DBT_LOG_PATH": str(db_path.parent / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    proc = subprocess.run(
        [DBT, *command, "--project-dir", str(PROJECT_DIR), "--vars", json.dumps(build_vars)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    return BuildResult(proc.returncode, proc.stdout + proc.stderr, db_path)


@pytest.fixture
def build_export(tmp_path: Path):
    """build_export(tables, as_of=None, command=None) -> BuildResult: write the tables as an
    export folder and `dbt build` it (everything, or `command`, e.g. ["build", "-s", "+x"])."""

    def _build(
        tables: dict[str, str],
        as_of: str | None = None,
        command: list[str] | None = None,
        extra_vars: dict[str, object] | None = None,
    ) -> BuildResult:
        export = write_export(tmp_path / "export", tables)
        return dbt(
            command or ["build"],
            tmp_path / "warehouse.duckdb",
            data_dir=export,
            as_of=as_of,
            extra_vars=extra_vars,
        )

    return _build


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuildResult]:
    """One `dbt build` of the demo seeds for the whole session (shared by the tests that
    check the planted patterns)."""
    folder = tmp_path_factory.mktemp("demo")
    result = dbt(["build"], folder / "warehouse.duckdb")
    assert result.ok, result.output[-5000:]
    yield result
