-- what the complaints suite validates (python_checks/dq_suites.py): see macros/dq_frame.sql
{{ dq_frame('complaints') }}
