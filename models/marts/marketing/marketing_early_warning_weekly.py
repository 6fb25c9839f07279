"""Early warning: every complete week of each marketing indicator (and of new leads) judged
against its own trailing baseline; unusual drops are flagged. The rules are in
src/b2b_sales_kpis/early_warning.py and in this model's YAML description."""

from b2b_sales_kpis import early_warning  # installed from src/ by `make build`


def model(dbt, session):
    dbt.config(materialized="table")
    settings = early_warning.WarningSettings(
        baseline_weeks=int(dbt.config.get("baseline_weeks")),
        min_baseline_weeks=int(dbt.config.get("min_baseline_weeks")),
        long_run_weeks=int(dbt.config.get("long_run_weeks")),
        sustained_weeks=int(dbt.config.get("sustained_weeks")),
        z_threshold=float(dbt.config.get("z_threshold")),
        min_drop_share=float(dbt.config.get("min_drop_share")),
    )

    weekly = dbt.ref("marketing_indicators_weekly").df()
    weekly = weekly[weekly["is_complete_week"]]
    weekly = weekly.set_index("week_start").sort_index()

    judged = early_warning.early_warning(weekly, settings=settings)
    return early_warning.early_warning_output(judged)
