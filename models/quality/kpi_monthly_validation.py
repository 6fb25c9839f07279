"""The data-quality gate on kpi_monthly, before it is published: runs the kpi_monthly suite
of python_checks/dq_suites.py on the rows the six int_*_kpis_monthly models hand to
kpi_monthly. Its test kpi_monthly_passes_the_gate fails `dbt build` on a failed blocking
expectation (every mart depends on this model). Appends its rows to validation_results and
rewrites the report with both suites."""

import importlib


def model(dbt, session):
    dbt.config(materialized="table")
    try:
        import dq_gate
        import dq_report
    except ModuleNotFoundError:  # profiles.yml not beside the project: no module_paths
        importlib.import_module("b2b_sales_kpis.quality")  # puts python_checks/ on sys.path
        import dq_gate
        import dq_report

    relations = {
        "funnel": dbt.ref("int_funnel_kpis_monthly"),
        "order_quality": dbt.ref("int_order_quality_kpis_monthly"),
        "customers": dbt.ref("int_customer_kpis_monthly"),
        "relationships": dbt.ref("int_relationship_kpis_monthly"),
        "marketing": dbt.ref("int_marketing_kpis_monthly"),
        "people": dbt.ref("int_people_kpis_monthly"),
        "catalog": dbt.ref("kpi_catalog"),
        "calendar": dbt.ref("int_calendar_months"),
    }
    inputs = dbt.ref("validation_results")
    frame = dq_gate.kpi_frame(session, relations)
    run_id = inputs.aggregate("max(run_id)").fetchall()[0][0]
    results = dq_gate.run_kpi_suite(frame, run_id=run_id)

    # one table of results for BI: the input gate's rows and these
    target = f'"{dbt.this.database}"."{dbt.this.schema}"."validation_results"'
    session.execute(f"delete from {target} where suite = 'kpi_monthly'")
    session.register("kpi_monthly_results", results)
    session.execute(f"insert into {target} select * from kpi_monthly_results")
    session.unregister("kpi_monthly_results")

    everything = session.sql(f"select * from {target}").df()
    dq_report.write(everything, dq_gate.quarantine_summary(dbt.ref("quarantined_rows")),
                    dbt.ref("export_files").df())
    return results
