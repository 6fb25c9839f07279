"""Early warning for the marketing indicators (kpis.md section 10): flag a week whose value
drops unusually far below the indicator's own recent normal, and estimate how many weeks each
indicator moves ahead of new leads.

Both work on complete ISO weeks (Monday to Sunday, the last one ending on or before as_of),
one column per indicator, as the mart `marketing_indicators_weekly` provides them.

Drop detection, per indicator and week t:

* baseline: the `baseline_weeks` (12) observed weeks before the ones judged, never the judged
  weeks themselves; at least `min_baseline_weeks` (8), else no judgement. A trailing window
  follows trend and slow seasonality; its median ignores the odd outlier week, including a
  dip already under way.
* noise scale: the largest of 1.4826 x the MAD of the baseline weeks (the standard deviation
  for normal noise), 1.4826 x the median absolute deviation of the last `long_run_weeks` (52)
  weeks from their own baseline medians (12 weeks alone estimate the spread poorly: a calm
  stretch would make an ordinary week look alarming), for a count the Poisson noise
  sqrt(median), and 5 % of the median. A week is judged only once 12 such deviations exist,
  from the 21st observed week of a series on.
* robust z of the week: (value - median) / scale.
* robust z of the last `sustained_weeks` (3) weeks: (their mean - median) / (scale / sqrt(3)),
  the baseline then taken from the weeks before those three. It catches a drop that lasts
  but is too small for one week of a noisy, low-count series to prove.
* flag: the week is at least `min_drop_share` (20 %) below its baseline median, and the week
  alone or the last three weeks together are unusually low: robust z below `z_threshold`
  (-2.5; on pure noise about 0.1 % of the weeks of a count series and 2 % of a noisy ratio
  series are flagged). The share keeps a statistically clear but harmless wobble of a very
  smooth series from being flagged, and a week that has already recovered is not flagged for
  the weeks before it.

Lead time: for each indicator, the Pearson correlation between its weekly changes and the
weekly changes of new leads `lag` weeks later, lag 0 to 8. A week's change is its deviation
from its own normal: log(1 + value) minus the median of log(1 + value) over the same trailing
baseline as above (the value itself for ratios). Subtracting the trailing median de-trends
the series; logs make a 10 % move count the same at any level. (Plain first differences
were tried and rejected: they turn a chance correlation in the same week into a spurious one
at lag 1.) The best lag is the one with the highest correlation; weeks where either series
has no change (no baseline yet, no value) are left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

MAD_TO_SIGMA = 1.4826
#: noise is never assumed below this share of the level (a perfectly calm stretch is luck)
MIN_RELATIVE_SCALE = 0.05

#: the weekly series judged, in display order; counts unless listed in RATIO_INDICATORS
INDICATORS: tuple[str, ...] = (
    "web_sessions",
    "web_visitors",
    "downloads",
    "contact_requests",
    "newsletter_ctr",
    "social_follows",
    "social_likes",
    "ad_clicks",
    "new_leads",
)
RATIO_INDICATORS: frozenset[str] = frozenset({"newsletter_ctr"})
TARGET = "new_leads"


@dataclass(frozen=True)
class WarningSettings:
    baseline_weeks: int = 12
    min_baseline_weeks: int = 8
    long_run_weeks: int = 52
    sustained_weeks: int = 3
    z_threshold: float = -2.5
    min_drop_share: float = 0.2


def prepare_series(values: pd.Series) -> pd.Series:
    """The observed weeks of one indicator: leading weeks without data (nothing recorded yet)
    and weeks without a value (a ratio with nothing to measure) are dropped."""
    values = pd.to_numeric(values, errors="coerce").astype(float).sort_index()
    started = values.fillna(0).ne(0).cummax()
    return values[started].dropna()


def _baseline(history: np.ndarray, is_count: bool) -> tuple[float, float, float]:
    """(median, MAD, floor of the scale) of the baseline weeks."""
    median = float(np.median(history))
    mad = float(np.median(np.abs(history - median)))
    floor = MIN_RELATIVE_SCALE * abs(median)
    if is_count:
        floor = max(floor, math.sqrt(max(median, 0.0)))
    return median, mad, floor


def _trailing_medians(x: np.ndarray, n_base: int, min_base: int) -> np.ndarray:
    """Median of the n_base observations before each one (nan with fewer than min_base)."""
    out = np.full(len(x), np.nan)
    for i in range(len(x)):
        history = x[max(0, i - n_base):i]
        if len(history) >= min_base:
            out[i] = np.median(history)
    return out


def flag_drops(
    values: pd.Series, settings: WarningSettings = WarningSettings(), is_count: bool = True
) -> pd.DataFrame:
    """Judge every week of one indicator's series (index: week start, sorted).

    Returns one row per week: value, baseline_median, baseline_mad, noise_scale, robust_z,
    sustained_mean, sustained_z, change_share, is_flagged, flag_reason.
    """
    series = prepare_series(values)
    x = series.to_numpy()
    n_base, k = settings.baseline_weeks, settings.sustained_weeks
    # each week's deviation from its own trailing median: their long-run spread steadies
    # the noise scale, which 12 weeks alone estimate poorly
    deviations = np.abs(x - _trailing_medians(x, n_base, settings.min_baseline_weeks))

    def noise_scale(end: int, mad: float, floor: float) -> float:
        """nan until baseline_weeks deviations exist: too short a history is not judged"""
        past = deviations[max(0, end - settings.long_run_weeks):end]
        past = past[~np.isnan(past)]
        if len(past) < n_base:
            return np.nan
        return max(MAD_TO_SIGMA * mad, MAD_TO_SIGMA * float(np.median(past)), floor)

    rows = []
    for i in range(len(x)):
        row = {
            "baseline_median": np.nan, "baseline_mad": np.nan, "noise_scale": np.nan,
            "robust_z": np.nan, "sustained_mean": np.nan, "sustained_z": np.nan,
            "change_share": np.nan, "is_flagged": False, "flag_reason": None,
        }
        history = x[max(0, i - n_base):i]
        reasons = []
        if len(history) >= settings.min_baseline_weeks:
            median, mad, floor = _baseline(history, is_count)
            scale = noise_scale(i, mad, floor)
            row.update(baseline_median=median, baseline_mad=mad, noise_scale=scale)
            if scale > 0:
                row["robust_z"] = (x[i] - median) / scale
            elif scale == 0 and x[i] < median:
                row["robust_z"] = -math.inf
            if median != 0:
                row["change_share"] = x[i] / median - 1
            if row["robust_z"] < settings.z_threshold:
                reasons.append("week")
        start = i - k + 1
        history = x[max(0, start - n_base):max(0, start)]
        if k > 1 and start >= 0 and len(history) >= settings.min_baseline_weeks:
            median, mad, floor = _baseline(history, is_count)
            scale = noise_scale(start, mad, floor)
            window_mean = float(np.mean(x[start:i + 1]))
            row["sustained_mean"] = window_mean
            if scale > 0:
                row["sustained_z"] = (window_mean - median) / (scale / math.sqrt(k))
            elif scale == 0 and window_mean < median:
                row["sustained_z"] = -math.inf
            if row["sustained_z"] < settings.z_threshold:
                reasons.append(f"{k}_weeks")
        if reasons and row["change_share"] <= -settings.min_drop_share:
            row.update(is_flagged=True, flag_reason="+".join(reasons))
        rows.append(row)
    out = pd.DataFrame(rows, index=series.index)
    out.insert(0, "value", x)
    return out


def early_warning(
    weekly: pd.DataFrame,
    indicators: tuple[str, ...] = INDICATORS,
    settings: WarningSettings = WarningSettings(),
) -> pd.DataFrame:
    """Long table, one row per indicator and observed week (weekly: index = week start, one
    column per indicator; missing columns or all-empty ones are skipped)."""
    frames = []
    for code in indicators:
        if code not in weekly.columns or weekly[code].isna().all():
            continue
        judged = flag_drops(weekly[code], settings, is_count=code not in RATIO_INDICATORS)
        judged.insert(0, "indicator_code", code)
        frames.append(judged)
    if not frames:
        return pd.DataFrame(columns=["week_start", "indicator_code", "value"])
    out = pd.concat(frames)
    out.index.name = "week_start"
    return out.reset_index()


def weekly_deviations(
    values: pd.Series, is_count: bool = True, settings: WarningSettings = WarningSettings()
) -> pd.Series:
    """The de-trended series: each week's change against its own normal, log(1 + value)
    minus the median of log(1 + value) over the `baseline_weeks` observed weeks before it
    (at least `min_baseline_weeks`); for a ratio the value minus that median of values.
    Index: the series' observed weeks (see prepare_series)."""
    series = prepare_series(values)
    level = np.log1p(series) if is_count else series
    normal = (
        level.rolling(settings.baseline_weeks, min_periods=settings.min_baseline_weeks)
        .median()
        .shift(1)
    )
    return level - normal


def lagged_correlations(
    indicator: pd.Series, target: pd.Series, max_lag: int = 8, min_pairs: int = 10
) -> pd.DataFrame:
    """Correlation of indicator[t] with target[t + lag] for lag 0..max_lag (both series on
    the same weekly index, already de-trended). Rows: lag_weeks, correlation, weeks_compared."""
    rows = []
    for lag in range(max_lag + 1):
        pairs = pd.concat([indicator, target.shift(-lag)], axis=1).dropna()
        n = len(pairs)
        corr = np.nan
        if n >= min_pairs and pairs.iloc[:, 0].std() > 0 and pairs.iloc[:, 1].std() > 0:
            corr = float(np.corrcoef(pairs.iloc[:, 0], pairs.iloc[:, 1])[0, 1])
        rows.append({"lag_weeks": lag, "correlation": corr, "weeks_compared": n})
    return pd.DataFrame(rows)


def lead_times(
    weekly: pd.DataFrame,
    indicators: tuple[str, ...] = INDICATORS,
    target: str = TARGET,
    max_lag: int = 8,
    settings: WarningSettings = WarningSettings(),
) -> pd.DataFrame:
    """One row per indicator (other than the target): best_lag_weeks, correlation at it,
    correlation_at_lag_0 and weeks_compared. An indicator without enough overlapping weeks
    gets a row with nulls."""
    columns = ["indicator_code", "best_lag_weeks", "correlation", "correlation_at_lag_0",
               "weeks_compared"]
    if target not in weekly.columns or weekly[target].isna().all():
        return pd.DataFrame(columns=columns)
    target_changes = weekly_deviations(
        weekly[target], is_count=target not in RATIO_INDICATORS, settings=settings
    )
    rows = []
    for code in indicators:
        if code == target or code not in weekly.columns or weekly[code].isna().all():
            continue
        changes = weekly_deviations(
            weekly[code], is_count=code not in RATIO_INDICATORS, settings=settings
        )
        corr = lagged_correlations(changes, target_changes, max_lag)
        valid = corr.dropna(subset=["correlation"])
        if valid.empty:
            rows.append({"indicator_code": code, "best_lag_weeks": None, "correlation": None,
                         "correlation_at_lag_0": None,
                         "weeks_compared": int(corr["weeks_compared"].max())})
            continue
        best = valid.loc[valid["correlation"].idxmax()]
        rows.append({
            "indicator_code": code,
            "best_lag_weeks": int(best["lag_weeks"]),
            "correlation": float(best["correlation"]),
            "correlation_at_lag_0": float(corr.loc[0, "correlation"]),
            "weeks_compared": int(best["weeks_compared"]),
        })
    return pd.DataFrame(rows, columns=columns)


# ----------------------------------------------------------------------------------------
# output frames with fixed column types (also when empty), as the dbt models publish them

def _schema(columns: dict[str, str]):
    import pyarrow as pa

    types = {"date": pa.date32(), "string": pa.string(), "float": pa.float64(),
             "int": pa.int64(), "bool": pa.bool_()}
    return pa.schema([(name, types[kind]) for name, kind in columns.items()])


EARLY_WARNING_COLUMNS: dict[str, str] = {
    "week_start": "date",
    "indicator_code": "string",
    "value": "float",
    "baseline_median": "float",
    "baseline_mad": "float",
    "noise_scale": "float",
    "robust_z": "float",
    "sustained_mean": "float",
    "sustained_z": "float",
    "change_share": "float",
    "is_flagged": "bool",
    "flag_reason": "string",
}
LEAD_TIME_COLUMNS: dict[str, str] = {
    "indicator_code": "string",
    "best_lag_weeks": "int",
    "correlation": "float",
    "correlation_at_lag_0": "float",
    "weeks_compared": "int",
}


def _cell(value: object, kind: str) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if kind == "date":
        return pd.Timestamp(value).date()
    return {"string": str, "float": float, "int": int, "bool": bool}[kind](value)


def _typed(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """frame with exactly these columns and (Arrow-backed) types, also when empty, so that
    the warehouse table has the documented column types whatever the data."""
    import pyarrow as pa

    data = {
        name: [_cell(v, kind) for v in frame[name]] if name in frame.columns else []
        for name, kind in columns.items()
    }
    table = pa.Table.from_pydict(data, schema=_schema(columns))
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def early_warning_output(judged: pd.DataFrame) -> pd.DataFrame:
    """The early-warning table in its published column order and types."""
    judged = judged.sort_values(["indicator_code", "week_start"]) if len(judged) else judged
    return _typed(judged, EARLY_WARNING_COLUMNS)


def lead_time_output(lead_times_frame: pd.DataFrame) -> pd.DataFrame:
    """The lead-time table in its published column order and types."""
    return _typed(lead_times_frame, LEAD_TIME_COLUMNS)
