-- relationship duration KPIs of kpis.md section 7, read off the Kaplan-Meier curve of each
-- month and slice (company, segment): one row per month with a relationship started by its
-- end, the value null where the rule says so
with

curve as (
    select * from {{ ref('int_relationship_survival_monthly') }}
),

-- S is a product of logarithm sums: allow for rounding when comparing it with exactly 0.5
summary as (
    select
        period_month,
        slice_type,
        slice_value,
        is_month_closed,
        max(duration_days) as longest_observed_days,
        min(case when events > 0 and survival <= 0.5 + 1e-9 then duration_days end)
            as median_days,
        -- S only drops at event durations and never rises: the smallest S at durations <= t
        -- is S(t), the share lasting longer than t; 1 when nothing happened by t
        coalesce(min(case when duration_days <= 365 then survival end), 1.0) as survival_365,
        coalesce(min(case when duration_days <= 1096 then survival end), 1.0) as survival_1096
    from curve
    group by period_month, slice_type, slice_value, is_month_closed
),

kpis as (
    select
        'relationship_years_median' as kpi_code,
        period_month,
        slice_type,
        slice_value,
        -- null while survival stays above 0.5
        cast(median_days as {{ type_double() }}) / 365.25 as value,
        is_month_closed
    from summary

    union all

    select
        'relationship_survival_1y',
        period_month,
        slice_type,
        slice_value,
        -- null until some relationship, ended or running, has been observed 365 days
        case when longest_observed_days >= 365 then survival_365 end,
        is_month_closed
    from summary

    union all

    select
        'relationship_survival_3y',
        period_month,
        slice_type,
        slice_value,
        case when longest_observed_days >= 1096 then survival_1096 end,
        is_month_closed
    from summary
),

final as (
    select
        {{ kpi_row('kpi_code', 'period_month', 'slice_type', 'slice_value',
            'null', 'null', 'value', 'is_month_closed') }}
    from kpis
)

select * from final
