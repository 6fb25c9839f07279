"""Lead time: per marketing indicator, how many weeks (0 to 8) its weekly changes run ahead
of the weekly changes of new leads, and how strongly. The rules are in
src/b2b_sales_kpis/early_warning.py and in this model's YAML description."""

import os
import sys


def _early_warning_module():
    """The shared logic; from the project's src folder when the package is not installed."""
    try:
        from b2b_sales_kpis import early_warning
    except ImportError:
        for root in (os.environ.get("DBT_PROJECT_DIR"), os.getcwd()):
            src = os.path.join(root or "", "src")
            if root and os.path.isdir(os.path.join(src, "b2b_sales_kpis")):
                sys.path.insert(0, src)
                break
        from b2b_sales_kpis import early_warning
    return early_warning


def model(dbt, session):
    dbt.config(materialized="table")
    early_warning = _early_warning_module()
    settings = early_warning.WarningSettings(
        baseline_weeks=int(dbt.config.get("baseline_weeks")),
        min_baseline_weeks=int(dbt.config.get("min_baseline_weeks")),
    )

    weekly = dbt.ref("marketing_indicators_weekly").df()
    weekly = weekly[weekly["is_complete_week"]]
    weekly = weekly.set_index("week_start").sort_index()

    lead_times = early_warning.lead_times(
        weekly, max_lag=int(dbt.config.get("max_lag_weeks")), settings=settings
    )
    return early_warning.lead_time_output(lead_times)
