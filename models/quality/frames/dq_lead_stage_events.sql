-- what the lead_stage_events suite validates (python_checks/dq_suites.py): see macros/dq_frame.sql
{{ dq_frame('lead_stage_events') }}
