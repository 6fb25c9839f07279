-- placeholder until its issue lands: no rows yet
{{ empty_kpi_rows() }}
