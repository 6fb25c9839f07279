-- what the social_daily suite validates (python_checks/dq_suites.py): see macros/dq_frame.sql
{{ dq_frame('social_daily') }}
