"""A plain, self-contained HTML page of the latest validation (GX Data Docs load their CSS and
scripts from CDNs, which BI readers' machines may not reach): one section per suite, failures
first, the quarantined rows and the export files. Written to target/data_quality_report.html
with the same rows as target/validation_results.csv."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
from dq_gate import BLOCKING, target_dir

STYLE = """
body{font-family:system-ui,Segoe UI,Arial,sans-serif;margin:2rem;color:#222;max-width:78rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}.ok{color:#176f2c}.fail{color:#b00020;font-weight:600}
.warn{color:#a15c00;font-weight:600}.box{padding:.8rem 1rem;border-radius:.4rem;margin:1rem 0}
.box.fail{background:#fdecee}.box.ok{background:#e8f5ec}.box.warn{background:#fff4e0}
code{font-size:.85rem}
"""


def _e(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def _status(row) -> str:
    if row["success"]:
        return '<span class="ok">passed</span>'
    if row["severity"] == BLOCKING:
        return '<span class="fail">FAILED</span>'
    return '<span class="warn">warning</span>'


def render(results: pd.DataFrame, quarantine: pd.DataFrame | None = None,
           files: pd.DataFrame | None = None, notes: list[str] | None = None) -> str:
    failed = results[~results["success"]]
    blocking = failed[failed["severity"] == BLOCKING]
    validated = results["validated_at"].max() if len(results) else None
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Data quality report</title>", f"<style>{STYLE}</style></head><body>",
        "<h1>Data quality report</h1>",
        f"<p>Validated at {_e(validated)} UTC &middot; {len(results)} expectations in "
        f"{results['suite'].nunique()} suites.</p>",
    ]
    if len(blocking):
        parts.append(f"<div class='box fail'><b>{len(blocking)} blocking expectation(s) "
                     "failed:</b> the marts were not rebuilt; BI still shows the last good "
                     "build.<ul>" + "".join(f"<li>{_e(m)}</li>" for m in blocking["message"])
                     + "</ul></div>")
    else:
        parts.append("<div class='box ok'><b>Every blocking expectation passed.</b></div>")
    warned = failed[failed["severity"] != BLOCKING]
    if len(warned):
        parts.append(f"<div class='box warn'><b>{len(warned)} warning(s):</b><ul>"
                     + "".join(f"<li>{_e(m)}</li>" for m in warned["message"]) + "</ul></div>")
    for note in notes or []:
        parts.append(f"<div class='box warn'>{_e(note)}</div>")

    parts.append("<h2>Quarantined rows</h2>")
    if quarantine is not None and len(quarantine):
        parts.append("<p>Set aside before staging, kept whole in "
                     "<code>quality.quarantined_rows</code>.</p><table><tr><th>table</th>"
                     "<th>reason</th><th>rows</th><th>e.g. keys</th></tr>")
        for _, row in quarantine.iterrows():
            parts.append(f"<tr><td>{_e(row['table_name'])}</td><td>{_e(row['quarantine_reason'])}"
                         f"</td><td>{_e(row['row_count'])}</td><td>{_e(row['sample_keys'])}"
                         "</td></tr>")
        parts.append("</table>")
    else:
        parts.append("<p>None.</p>")

    for suite, rows in results.groupby("suite", sort=False):
        rows = rows.sort_values(["success", "severity"], ascending=[True, True])
        n_failed = int((~rows["success"]).sum())
        parts.append(f"<h2>{_e(suite)} &middot; {len(rows) - n_failed}/{len(rows)} passed</h2>"
                     "<table><tr><th>status</th><th>rule</th><th>column</th><th>expectation</th>"
                     "<th>severity</th><th>rows</th><th>unexpected</th><th>observed</th>"
                     "<th>e.g. keys</th></tr>")
        for _, row in rows.iterrows():
            parts.append(
                f"<tr><td>{_status(row)}</td><td>{_e(row['rule'])}</td>"
                f"<td>{_e(row['column_name'])}</td><td>{_e(row['description'])}<br>"
                f"<code>{_e(row['expectation'])}</code></td><td>{_e(row['severity'])}</td>"
                f"<td>{_e(row['element_count'])}</td><td>{_e(row['unexpected_count'])}</td>"
                f"<td>{_e(row['observed_value'])}</td><td>{_e(row['sample_keys'])}</td></tr>")
        parts.append("</table>")

    if files is not None and len(files):
        parts.append("<h2>Export files</h2><table><tr><th>table</th><th>file</th><th>format</th>"
                     "<th>bytes</th><th>encoding</th><th>delimiter</th><th>problem</th></tr>")
        for _, row in files.iterrows():
            parts.append("<tr>" + "".join(f"<td>{_e(row[c])}</td>" for c in (
                "table_name", "file_name", "file_format", "size_bytes", "encoding",
                "delimiter", "problem")) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write(results: pd.DataFrame, quarantine: pd.DataFrame | None = None,
          files: pd.DataFrame | None = None, notes: list[str] | None = None,
          folder: Path | None = None) -> Path:
    folder = folder or target_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "data_quality_report.html"
    path.write_text(render(results, quarantine, files, notes), encoding="utf-8")
    results.to_csv(folder / "validation_results.csv", index=False)
    return path
