"""Lead time: per marketing indicator, how many weeks (0 to 8) its weekly changes run ahead
of the weekly changes of new leads, and how strongly. The rules are in
src/b2b_sales_kpis/early_warning.py and in this model's YAML description."""

from b2b_sales_kpis import early_warning  # installed from src/ by `make build`


def model(dbt, session):
    dbt.config(materialized="table")
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
