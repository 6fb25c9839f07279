{{ gate_dependency() }}
-- kpis.md section 12: the five quality dimensions month by month, each scored 0-100 as the
-- weight-averaged score of its KPIs that have a value in the month, with a traffic light,
-- the change from the previous month and the KPI that pulls the score down most
with

scored_kpis as (
    select * from {{ ref('quality_scorecard_kpis') }}
),

dimension_scores as (
    select
        period_month,
        is_month_closed,
        dimension_code,
        max(dimension_name_de) as dimension_name_de,
        max(dimension_name_en) as dimension_name_en,
        {{ safe_divide(
            'sum(case when score is not null then weight * score end)',
            'sum(case when score is not null then weight end)'
        ) }} as score,
        count(score) as kpis_scored,
        count(*) as kpis_in_scorecard
    from scored_kpis
    group by period_month, is_month_closed, dimension_code
),

-- the KPI with the largest weight x (100 - score); none when every KPI scores 100
weakest_ranked as (
    select
        period_month,
        dimension_code,
        kpi_code,
        slice_type,
        slice_value,
        score,
        weighted_shortfall,
        row_number() over (
            partition by period_month, dimension_code
            order by weighted_shortfall desc, kpi_code, slice_type, slice_value
        ) as shortfall_rank
    from scored_kpis
    where weighted_shortfall > 0
),

weakest as (
    select *
    from weakest_ranked
    where shortfall_rank = 1
),

final as (
    select
        dimension_scores.period_month,
        dimension_scores.is_month_closed,
        dimension_scores.dimension_code,
        dimension_scores.dimension_name_de,
        dimension_scores.dimension_name_en,
        cast(dimension_scores.score as {{ type_double() }}) as score,
        case
            when dimension_scores.score >= 90 then 'green'
            when dimension_scores.score >= 70 then 'amber'
            when dimension_scores.score is not null then 'red'
        end as status,
        cast(
            dimension_scores.score - lag(dimension_scores.score) over (
                partition by dimension_scores.dimension_code
                order by dimension_scores.period_month
            ) as {{ type_double() }}
        ) as score_change,
        dimension_scores.kpis_scored,
        dimension_scores.kpis_in_scorecard,
        weakest.kpi_code as weakest_kpi_code,
        weakest.slice_type as weakest_kpi_slice_type,
        weakest.slice_value as weakest_kpi_slice_value,
        cast(weakest.score as {{ type_double() }}) as weakest_kpi_score
    from dimension_scores
    left join weakest
        on dimension_scores.period_month = weakest.period_month
        and dimension_scores.dimension_code = weakest.dimension_code
)

select * from final
