"""The data-quality gate: run the suites (dq_suites.py) on the frames (macros/dq_frame.sql),
turn Great Expectations' results into one table for people and BI, and say plainly what
failed. Used by the dbt Python models validation_results and kpi_monthly_validation, and by
the command line (`python -m b2b_sales_kpis.quality`).

GX is imported and its context built once per process (per dbt run), and each suite sees only
its table's frame: the SQL has done the parsing and the joins.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
import warnings
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from dq_rules import BLOCKING, TABLES

PROJECT_DIR = Path(__file__).resolve().parents[1]
SAMPLE_SIZE = 5
RESULT_COLUMNS = [
    "run_id", "validated_at", "suite", "rule", "column_name", "expectation", "description",
    "severity", "success", "element_count", "unexpected_count", "observed_value",
    "sample_keys", "message",
]
_CONTEXT: dict = {}
_LOCK = threading.Lock()


def build_moment() -> datetime:
    """Now, naive UTC (the frames hold naive UTC timestamps)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _context():
    """One ephemeral GX context per process, with a pandas data source."""
    with _LOCK:
        if "context" not in _CONTEXT:
            _build_context()
    return _CONTEXT["context"], _CONTEXT["source"]


def _build_context() -> None:
    warnings.filterwarnings("ignore", module="great_expectations")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(name).setLevel(logging.ERROR)

    # GX fingerprints every pandas batch by hashing all of its cells (md5 of
    # hash_pandas_object), only to label the batch: on a 450,000-row frame that is most of
    # the validation time. The frames are fresh per run; a cheap label does.
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.hash_pandas_dataframe = _cheap_fingerprint
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    _CONTEXT["context"] = context
    _CONTEXT["source"] = context.data_sources.add_pandas("gate_frames")


def warm_up_in_background() -> None:
    """Import GX and build its context in a background thread (about 2 s), so that the gate
    finds them ready: called by the first gate model of a run (export_files), while dbt builds
    the staging views and the frames."""
    if "warm_up" not in _CONTEXT:
        _CONTEXT["warm_up"] = threading.Thread(target=_context, name="gx-warm-up", daemon=True)
        _CONTEXT["warm_up"].start()


def _cheap_fingerprint(df: pd.DataFrame) -> str:
    return f"rows={len(df)};columns={','.join(map(str, df.columns))}"


# GX compares datetime columns vectorised only at nanosecond precision (DuckDB hands
# microseconds); nanoseconds end in 2262, so a later typo (2999-...) is capped there (it still
# fails "not after the build", and its key is reported)
_NS_MAX = pd.Timestamp.max.floor("s")


def gx_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with datetime columns in nanoseconds (see _NS_MAX)."""
    frame = frame.copy(deep=False)
    for name in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[name]) and str(frame[name].dtype) != \
                "datetime64[ns]":
            values = frame[name]
            too_late = values > _NS_MAX
            if too_late.any():
                values = values.where(~too_late, _NS_MAX)
            frame[name] = values.astype("datetime64[ns]")
    return frame


def _fmt(value) -> str:
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, tuple | list):
        return " vs ".join(_fmt(v) for v in value)
    if hasattr(value, "isoformat"):
        text = str(value)
        return text[:-9] if text.endswith(" 00:00:00") else text
    return str(value)


def _hint(suite: str, column: str, rule: str, samples: list[str]) -> str:
    """What to set or fix, where a failure has a usual cause."""
    if rule in ("required columns and types",) and any(
        "," in s and s.replace(".", "").replace(",", "").lstrip("+-").isdigit() for s in samples
    ):
        return (" Hint: these look like decimal commas: set csv_decimal_separator: ',' "
                "(CSV_DECIMAL=',' for make build).")
    if rule == "timestamps parse" and any("." in s and s[:2].isdigit() and s[2:3] == "."
                                          for s in samples):
        return " Hint: dates must be ISO 8601 (YYYY-MM-DD), not DD.MM.YYYY."
    if rule == "every stage name mapped":
        return (" Hint: add the stage to funnel_stage_mapping (a funnel_stage_mapping.csv in "
                "the export folder replaces the shipped one).")
    return ""


def _result_row(run_id, validated_at, suite: str, res, element_total: int | None = None) -> dict:
    config = res.expectation_config
    meta = config.meta or {}
    result = res.result or {}
    column = meta.get("column", "")
    rule = meta.get("rule", "")
    severity = meta.get("severity", BLOCKING)
    element_count = result.get("element_count")
    unexpected = result.get("unexpected_count")
    observed = result.get("observed_value")
    table_level = config.kwargs.get("column") == "row_count"
    if table_level:  # the table's size: one row holding the count
        element_count, unexpected, observed = element_total, None, element_total
    elif element_total is not None and element_count is not None:
        element_count = element_total  # GX saw only the rows that may fail
    keys, values = [], []
    for item in [] if table_level else result.get("partial_unexpected_index_list") or []:
        key = item.get("_key")
        if key is not None and key not in keys:
            keys.append(str(key))
    for value in [] if table_level else result.get("partial_unexpected_list") or []:
        text = "<empty>" if value is None or (isinstance(value, float) and pd.isna(value)) \
            else _fmt(value)
        if text not in values:
            values.append(text)
    if observed is None and unexpected is not None:
        observed = (f"{unexpected} unexpected" + (f": {', '.join(values[:SAMPLE_SIZE])}"
                                                  if values and values != ["<empty>"] else ""))
    keys, values = sorted(keys), sorted(values)
    success = bool(res.success)
    if res.exception_info and res.exception_info.get("raised_exception"):
        success = False
        observed = f"error: {res.exception_info.get('exception_message')}"
    where = f"{suite}.{column}" if column else suite
    message = ""
    if not success:
        count = (f"{unexpected} of {element_count} rows fail" if unexpected is not None
                 else f"observed {_fmt(observed)}")
        message = (f"table {suite}, column {column or '-'}, rule '{rule}' ({severity}): "
                   f"{config.description}: {count}")
        if keys:
            message += f"; e.g. {suite} {', '.join(keys[:SAMPLE_SIZE])}"
        if values and values != ["<empty>"] and not set(values) <= set(keys):
            message += f" (values: {', '.join(values[:SAMPLE_SIZE])})"
        message += "." + _hint(suite, column, rule, values)
    return {
        "run_id": run_id,
        "validated_at": validated_at,
        "suite": suite,
        "rule": rule,
        "column_name": column or None,
        "expectation": config.type,
        "description": config.description,
        "severity": severity,
        "success": success,
        "element_count": element_count,
        "unexpected_count": unexpected,
        "observed_value": None if observed is None else _fmt(observed),
        "sample_keys": ", ".join(keys[:SAMPLE_SIZE]) or None,
        "message": message or f"{where}: {config.description}: ok",
    }


def validate(suite, frame: pd.DataFrame, run_id: str, validated_at: datetime,
             element_total: int | None = None, suite_label: str | None = None) -> list[dict]:
    """Validate one frame against one suite; one result row per expectation. element_total:
    the rows of the whole table, when the frame holds only the rows that may fail."""
    import great_expectations as gx

    context, source = _context()
    name = suite.name
    try:
        asset = source.get_asset(name)
    except LookupError:
        asset = source.add_dataframe_asset(name)
    try:
        batch_definition = asset.get_batch_definition("whole")
    except (KeyError, LookupError, ValueError):
        batch_definition = asset.add_batch_definition_whole_dataframe("whole")
    suite = context.suites.add_or_update(suite)
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=f"gate_{name}", data=batch_definition, suite=suite))
    result = definition.run(
        batch_parameters={"dataframe": gx_ready(frame)},
        result_format={
            "result_format": "SUMMARY",
            "partial_unexpected_count": 20,
            "unexpected_index_column_names": ["_key"] if "_key" in frame.columns else [],
        },
    )
    return [_result_row(run_id, validated_at, suite_label or name, res, element_total)
            for res in result.results]


FRAME_SQL = """
with frame as materialized ({relation})
select * from frame where _suspect
union all by name
select count(*) as _table_rows from frame
"""


def fetch_frame(con, relation_sql: str) -> tuple[pd.DataFrame, int]:
    """(the frame's rows that may fail, the number of rows of the whole frame), in one scan;
    relation_sql selects a frame (staging.dq_<table>)."""
    data = con.sql(FRAME_SQL.format(relation=relation_sql)).df()
    stats = data["_table_rows"].notna()
    total = int(data.loc[stats, "_table_rows"].iloc[0])
    frame = data.loc[~stats].drop(columns=["_table_rows", "_suspect"]).reset_index(drop=True)
    return frame, total


def run_input_suites(fetch, moment: datetime | None = None,
                     run_id: str | None = None) -> pd.DataFrame:
    """Validate every input table; the results table (RESULT_COLUMNS). fetch(table) returns
    (the frame's rows that may fail, the table's row count): see fetch_frame."""
    from dq_suites import input_suite, row_count_suite

    _context()  # suites need an active context
    moment = moment or build_moment()
    run_id = run_id or uuid.uuid4().hex[:12]
    rows: list[dict] = []
    for table in TABLES:  # one small frame in memory at a time
        frame, total = fetch(table.name)
        rows.extend(validate(input_suite(table.name, moment), frame, run_id, moment,
                             element_total=total))
        size = pd.DataFrame({"_key": [table.name], "row_count": [total]})
        rows.extend(validate(row_count_suite(table.name), size, run_id, moment,
                             element_total=total, suite_label=table.name))
    return results_frame(rows)


def run_kpi_suite(frame: pd.DataFrame, moment: datetime | None = None,
                  run_id: str | None = None) -> pd.DataFrame:
    from dq_suites import kpi_monthly_suite

    _context()
    moment = moment or build_moment()
    run_id = run_id or uuid.uuid4().hex[:12]
    return results_frame(validate(kpi_monthly_suite(), frame, run_id, moment))


def results_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    for name in ("element_count", "unexpected_count"):
        frame[name] = frame[name].astype("Int64")
    frame["success"] = frame["success"].astype(bool)
    frame["validated_at"] = pd.to_datetime(frame["validated_at"])
    for name in ("run_id", "suite", "rule", "column_name", "expectation", "description",
                 "severity", "observed_value", "sample_keys", "message"):
        frame[name] = frame[name].astype(object)
    return frame


def blocking_failures(results: pd.DataFrame) -> list[str]:
    failed = results[(results["severity"] == BLOCKING) & ~results["success"]]
    return failed["message"].tolist()


def target_dir() -> Path:
    """Where dbt writes its artefacts: DBT_TARGET_PATH, else <project>/target."""
    path = Path(os.environ.get("DBT_TARGET_PATH") or "target")
    return path if path.is_absolute() else PROJECT_DIR / path


def quarantine_summary(relation) -> pd.DataFrame:
    """Quarantined rows per table and reason, with a few keys (relation: quarantined_rows)."""
    return relation.aggregate(
        "table_name, quarantine_reason, count(*) as row_count, "
        "array_to_string(list_slice(list(row_key order by row_key), 1, 5), ', ') as sample_keys",
        "table_name, quarantine_reason",
    ).order("table_name, quarantine_reason").df()


KPI_FRAME_SQL = """
with

unioned as (
    select * from gate_kpi_funnel
    union all select * from gate_kpi_order_quality
    union all select * from gate_kpi_customers
    union all select * from gate_kpi_relationships
    union all select * from gate_kpi_marketing
    union all select * from gate_kpi_people
),

catalog as (select kpi_code, unit from gate_kpi_catalog),

months as (select distinct period_month from gate_kpi_calendar)

select
    concat_ws('|', unioned.kpi_code, strftime(unioned.period_month, '%Y-%m'),
              unioned.slice_type, unioned.slice_value) as _key,
    unioned.kpi_code,
    cast(unioned.period_month as timestamp) as period_month,
    unioned.slice_type,
    unioned.slice_value,
    unioned.numerator,
    unioned.denominator,
    unioned.value,
    unioned.is_mature,
    case when catalog.kpi_code is null then unioned.kpi_code end as kpi_code__unknown,
    case when unioned.period_month is not null and months.period_month is null
        then cast(unioned.period_month as varchar) end as period_month__outside,
    case when catalog.unit = 'share' then unioned.value end as share_value,
    case when unioned.kpi_code = 'nps' then unioned.value end as score_value,
    case
        when unioned.numerator is not null and unioned.denominator is not null
            and unioned.denominator <> 0 and unioned.value is not null
            and abs(unioned.value - (case when unioned.kpi_code = 'nps' then 100.0 else 1.0 end)
                * unioned.numerator / unioned.denominator) > 1e-9 * greatest(1, abs(unioned.value))
            then unioned.value
    end as value__not_the_ratio,
    case when unioned.denominator = 0 and unioned.value is not null then unioned.value end
        as value__on_zero_denominator
from unioned
left join catalog on unioned.kpi_code = catalog.kpi_code
left join months on unioned.period_month = months.period_month
"""


def kpi_frame(con, relations: dict) -> pd.DataFrame:
    """The kpi_monthly suite's frame: the rows kpi_monthly will publish, with the catalog's
    unit and the calendar looked up (relations: DuckDB relations by name, see
    models/quality/kpi_monthly_validation.py)."""
    for name, relation in relations.items():
        con.execute(f"create or replace temp view gate_kpi_{name} as {relation.sql_query()}")
    return con.sql(KPI_FRAME_SQL).df()
