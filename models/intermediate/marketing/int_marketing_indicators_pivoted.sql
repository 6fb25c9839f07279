-- the company-level marketing early indicators of kpis.md section 10 side by side, one row
-- per month of int_calendar_months and per week of int_marketing_weeks, with the sums behind
-- the ratios and the new leads of the period: the shared body of marketing_indicators_monthly
-- and marketing_indicators_weekly
{#- count columns: indicator -> the export table it needs (0 when present and quiet, null when missing) -#}
{%- set counts = [
    ('web_visitors', 'web_sessions'), ('web_sessions', 'web_sessions'),
    ('downloads', 'downloads'), ('social_follows', 'social_daily'),
    ('social_likes', 'social_daily'), ('contact_requests', 'contact_requests'),
    ('new_leads', 'leads'),
] %}
with

months as (
    select * from {{ ref('int_calendar_months') }}
),

weeks as (
    select * from {{ ref('int_marketing_weeks') }}
),

indicators as (
    select * from {{ ref('int_marketing_indicators_by_period') }}
),

-- every reporting period of both grains, quiet or not
periods as (
    select 'month' as period_grain, period_month as period_start
    from months
    union all
    select 'week' as period_grain, week_start as period_start
    from weeks
),

company_indicators as (
    select *
    from indicators
    where slice_type = 'company'
),

pivoted as (
    select
        period_grain,
        period_start,
        {%- for code, _ in counts %}
        max(case when indicator_code = '{{ code }}' then value end) as {{ code }},
        {%- endfor %}
        max(case when indicator_code = 'avg_visit_duration_seconds' then value end)
            as avg_visit_duration_seconds,
        max(case when indicator_code = 'pages_per_visit' then value end) as pages_per_visit,
        max(case when indicator_code = 'newsletter_ctr' then denominator end) as newsletter_delivered,
        max(case when indicator_code = 'newsletter_ctr' then numerator end) as newsletter_unique_clicks,
        max(case when indicator_code = 'newsletter_ctr' then value end) as newsletter_ctr,
        max(case when indicator_code = 'cpc' then denominator end) as ad_clicks,
        max(case when indicator_code = 'cpc' then numerator end) as ad_cost_eur,
        max(case when indicator_code = 'cpc' then value end) as cpc
    from company_indicators
    group by period_grain, period_start
),

final as (
    select
        periods.period_grain,
        periods.period_start,
        {%- for code, table in counts %}
        cast({{ 'coalesce(pivoted.' ~ code ~ ', 0)' if export_has_table(table) else 'null' }} as bigint) as {{ code }},
        {%- endfor %}
        cast(pivoted.avg_visit_duration_seconds as {{ type_double() }}) as avg_visit_duration_seconds,
        cast(pivoted.pages_per_visit as {{ type_double() }}) as pages_per_visit,
        cast({{ 'coalesce(pivoted.newsletter_delivered, 0)' if export_has_table('newsletter_sends') else 'null' }} as bigint) as newsletter_delivered,
        cast({{ 'coalesce(pivoted.newsletter_unique_clicks, 0)' if export_has_table('newsletter_sends') else 'null' }} as bigint) as newsletter_unique_clicks,
        cast(pivoted.newsletter_ctr as {{ type_double() }}) as newsletter_ctr,
        cast({{ 'coalesce(pivoted.ad_clicks, 0)' if export_has_table('ad_spend_daily') else 'null' }} as bigint) as ad_clicks,
        cast({{ 'coalesce(pivoted.ad_cost_eur, 0)' if export_has_table('ad_spend_daily') else 'null' }} as {{ type_double() }}) as ad_cost_eur,
        cast(pivoted.cpc as {{ type_double() }}) as cpc
    from periods
    left join pivoted
        on periods.period_grain = pivoted.period_grain
        and periods.period_start = pivoted.period_start
)

select * from final
