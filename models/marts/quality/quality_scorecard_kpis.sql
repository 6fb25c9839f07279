{{ gate_dependency() }}
-- kpis.md section 12, per KPI: each scorecard row's value in each month and its score,
-- 100 x clamp((value - floor) / (target - floor), 0, 1). The value is kpi_monthly's row of
-- the catalog row's slice (the company row when the catalog names no slice).
with

months as (
    select * from {{ ref('int_calendar_months') }}
),

scorecard_kpis as (
    select * from {{ ref('stg_config__scorecard_kpis') }}
),

kpis as (
    select * from {{ ref('stg_config__kpis') }}
),

kpi_monthly as (
    select * from {{ ref('kpi_monthly') }}
),

-- every scorecard row in every reporting month, so that gaps show
scorecard_months as (
    select
        months.period_month,
        months.is_month_closed,
        scorecard_kpis.*
    from months
    cross join scorecard_kpis
),

company_rows as (
    select *
    from kpi_monthly
    where slice_type = 'company'
),

valued as (
    select
        scorecard_months.*,
        sliced.value as sliced_value,
        sliced.kpi_code is not null as has_sliced_row,
        company_rows.kpi_code is not null as has_company_row,
        company_rows.numerator as company_numerator,
        coalesce(sliced.is_mature, company_rows.is_mature) as is_kpi_mature
    from scorecard_months
    left join kpi_monthly as sliced
        on scorecard_months.kpi_code = sliced.kpi_code
        and scorecard_months.period_month = sliced.period_month
        and scorecard_months.slice_type = sliced.slice_type
        and scorecard_months.slice_value = sliced.slice_value
    left join company_rows
        on scorecard_months.kpi_code = company_rows.kpi_code
        and scorecard_months.period_month = company_rows.period_month
),

-- kpis.md: a missing breakdown row reads as 0 — for a count, and for the breakdowns whose
-- denominator stays the company's (cancellation reasons, complaint categories, activity
-- types), when the company row exists. A mean or ratio with its own per-slice denominator
-- (a newsletter's CTR, a channel's visit duration, a platform's CPC) has no value then.
missing_rows_read_zero as (
    select
        valued.*,
        not valued.has_sliced_row
            and valued.has_company_row
            and valued.slice_type in (
                'cancellation_reason', 'complaint_category', 'activity_type', 'feedback_channel',
                'web_channel', 'platform', 'asset_type', 'newsletter', 'request_channel'
            )
            and (
                valued.company_numerator is null
                or valued.slice_type in ('cancellation_reason', 'complaint_category', 'activity_type')
            ) as reads_zero
    from valued
),

resolved as (
    select
        missing_rows_read_zero.*,
        case
            when has_sliced_row then sliced_value
            when reads_zero then 0
        end as value,
        case
            when has_sliced_row then 'kpi_monthly'
            when reads_zero then 'missing_breakdown_row_reads_0'
        end as value_source
    from missing_rows_read_zero
),

attainment as (
    select
        resolved.*,
        {{ safe_divide('resolved.value - resolved.floor', 'resolved.target - resolved.floor') }}
            as attainment
    from resolved
),

-- linear attainment between floor (0) and target (100), clamped; works for both directions.
-- Null without a value (the KPI then does not count); least/greatest skip nulls, so the
-- null is kept explicitly.
scored as (
    select
        attainment.*,
        case
            when attainment.attainment is not null
                then 100 * greatest(0, least(1, attainment.attainment))
        end as score
    from attainment
),

final as (
    select
        scored.period_month,
        scored.is_month_closed,
        scored.dimension_code,
        scored.dimension_name_de,
        scored.dimension_name_en,
        scored.kpi_code,
        kpis.kpi_name_de,
        kpis.kpi_name_en,
        kpis.direction,
        scored.slice_type,
        scored.slice_value,
        scored.weight,
        scored.target,
        scored.floor,
        cast(scored.value as {{ type_double() }}) as value,
        scored.value_source,
        scored.is_kpi_mature,
        cast(scored.score as {{ type_double() }}) as score,
        cast(scored.weight * (100 - scored.score) as {{ type_double() }}) as weighted_shortfall
    from scored
    left join kpis
        on scored.kpi_code = kpis.kpi_code
)

select * from final
