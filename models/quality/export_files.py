"""The export folder as dbt is about to read it: one row per contract table, with the file,
its format, encoding, delimiter and header, and `problem` when it cannot be read as declared
(the test export_files_are_readable then stops the build before any reader of the export runs,
with a message that says what to set). python_checks/dq_export.py does the work."""

import importlib

import pandas as pd


def model(dbt, session):
    dbt.config(materialized="table")
    try:
        import dq_export
        import dq_gate
    except ModuleNotFoundError:  # profiles.yml not beside the project: no module_paths
        importlib.import_module("b2b_sales_kpis.quality")  # puts python_checks/ on sys.path
        import dq_export
        import dq_gate

    dq_gate.warm_up_in_background()  # GX is ready when validation_results runs
    meta = dbt.config.get("meta") or {}
    files = dq_export.inspect_export(
        meta.get("data_dir") or None,
        delimiter=meta.get("csv_delimiter") or ",",
        encoding=meta.get("csv_encoding") or "utf-8",
    )
    frame = pd.DataFrame(dq_export.as_records(files))
    for name in frame.columns:
        frame[name] = frame[name].astype("Int64" if name == "size_bytes" else "string")
    return frame
