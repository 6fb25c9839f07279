"""Early warning: every complete week of each marketing indicator (and of new leads) judged
against its own trailing baseline; unusual drops are flagged. The rules are in
src/b2b_sales_kpis/early_warning.py and in this model's YAML description."""

import os
import sys


def _early_warning_module():
    """The shared logic, src/b2b_sales_kpis/early_warning.py of this project: loaded from the
    project folder (DBT_PROJECT_DIR, else the working directory dbt runs in) so that another
    installed copy of the package cannot shadow it; the installed package otherwise."""
    import importlib.util

    for root in (os.environ.get("DBT_PROJECT_DIR"), os.getcwd()):
        path = os.path.join(root or "", "src", "b2b_sales_kpis", "early_warning.py")
        if root and os.path.isfile(path):
            name = "_b2b_sales_kpis_early_warning"
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module  # dataclasses look their module up while loading
            spec.loader.exec_module(module)
            return module
    from b2b_sales_kpis import early_warning

    return early_warning


def model(dbt, session):
    dbt.config(materialized="table")
    early_warning = _early_warning_module()
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
