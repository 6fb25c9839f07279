"""Compare kpi_monthly (a DuckDB warehouse) with reference_kpis (the spec, in pandas).

    python tests/python/compare_kpis.py WAREHOUSE.duckdb DATA_DIR [--as-of DATE]
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
from reference_kpis import COLUMNS, reference_kpis

KEY = ["kpi_code", "period_month", "slice_type", "slice_value"]
REL_TOL = 1e-9


def project_kpis(db_path: str | Path) -> pd.DataFrame:
    with duckdb.connect(str(db_path), read_only=True) as con:
        frame = con.sql(
            "select kpi_code, period_month, slice_type, slice_value, "
            "numerator::double as numerator, denominator::double as denominator, value, "
            "is_mature from marts.kpi_monthly"
        ).df()
    frame["period_month"] = pd.to_datetime(frame["period_month"]).dt.date
    return frame


def _same(a: object, b: object) -> bool:
    a_null = a is None or (isinstance(a, float) and math.isnan(a))
    b_null = b is None or (isinstance(b, float) and math.isnan(b))
    if a_null or b_null:
        return a_null and b_null
    return math.isclose(float(a), float(b), rel_tol=REL_TOL, abs_tol=1e-12)


def _optional_by_content(row: pd.Series) -> bool:
    """A row kpis.md allows to be left out: nothing to measure (zero/null denominator, a zero
    count, a zero-numerator breakdown row, a statistic with a null value)."""
    value, numerator, denominator = row["value"], row["numerator"], row["denominator"]
    if pd.isna(numerator) and pd.isna(denominator):  # a count or a statistic
        return bool(pd.isna(value) or value == 0)
    if pd.isna(denominator) or denominator == 0:  # a rate over nothing must be null
        return bool(pd.isna(value))
    return bool(row["slice_type"] not in {"company", "rep", "team", "segment", "lead_source"}
                and numerator == 0)


@dataclass
class Comparison:
    codes: set[str]
    missing: list[tuple] = field(default_factory=list)  # required by the spec, not published
    extra: list[tuple] = field(default_factory=list)  # published, not expected, not optional
    optional_only: list[tuple] = field(default_factory=list)  # optional rows on one side
    mismatched: list[tuple] = field(default_factory=list)  # (key, column, project, reference)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.mismatched)

    def report(self, limit: int = 15) -> str:
        lines = [f"codes compared: {len(self.codes)}; missing {len(self.missing)}, "
                 f"extra {len(self.extra)}, mismatched {len(self.mismatched)}, "
                 f"optional one-sided {len(self.optional_only)}"]
        for title, items in (("MISSING in kpi_monthly", self.missing),
                             ("EXTRA in kpi_monthly", self.extra),
                             ("MISMATCH (key, column, project, reference)", self.mismatched)):
            if items:
                lines.append(title + ":")
                lines += [f"  {item}" for item in items[:limit]]
                if len(items) > limit:
                    lines.append(f"  ... {len(items) - limit} more")
        return "\n".join(lines)


def compare(project: pd.DataFrame, reference: pd.DataFrame,
            codes: set[str] | None = None) -> Comparison:
    codes = codes or set(reference["kpi_code"])
    project = project[project["kpi_code"].isin(codes)]
    reference = reference[reference["kpi_code"].isin(codes)]
    result = Comparison(codes)
    merged = project.merge(reference, on=KEY, how="outer", suffixes=("_p", "_r"),
                           indicator=True)
    for _, row in merged.iterrows():
        key = tuple(str(row[k]) for k in KEY)
        if row["_merge"] == "right_only":
            (result.missing if row["required"] else result.optional_only).append(key)
        elif row["_merge"] == "left_only":
            content = row[[f"{c}_p" for c in COLUMNS[4:]]].set_axis(COLUMNS[4:])
            content["slice_type"] = row["slice_type"]
            optional = _optional_by_content(content)
            (result.optional_only if optional else result.extra).append(
                key + (row["numerator_p"], row["denominator_p"], row["value_p"]))
        else:
            for column in ("numerator", "denominator", "value", "is_mature"):
                p, r = row[f"{column}_p"], row[f"{column}_r"]
                if column == "is_mature":
                    if bool(p) != bool(r):
                        result.mismatched.append((key, column, p, r))
                elif not _same(p, r):
                    result.mismatched.append((key, column, p, r))
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("warehouse")
    parser.add_argument("data_dir")
    parser.add_argument("--as-of")
    parser.add_argument("--limit", type=int, default=15)
    args = parser.parse_args()
    project = project_kpis(args.warehouse)
    reference = reference_kpis(args.data_dir, args.as_of)
    codes = set(project["kpi_code"]) | set(reference["kpi_code"])
    print("codes only in reference:", sorted(set(reference["kpi_code"]) - set(project["kpi_code"])))
    print("codes only in project:", sorted(set(project["kpi_code"]) - set(reference["kpi_code"])))
    print(compare(project, reference, codes).report(args.limit))


if __name__ == "__main__":
    main()
