-- Which of the five quality dimensions are red or amber in the latest closed month, and
-- which KPI pulls each of them down most?
with

scorecard as (
    select * from {{ ref('quality_scorecard') }}
),

latest as (
    select max(period_month) as period_month from scorecard where is_month_closed
),

final as (
    select
        scorecard.dimension_name_de,
        scorecard.dimension_name_en,
        scorecard.score,
        scorecard.status,
        scorecard.score_change,
        scorecard.weakest_kpi_code,
        scorecard.weakest_kpi_slice_value,
        scorecard.weakest_kpi_score
    from scorecard
    inner join latest
        on scorecard.period_month = latest.period_month
    where scorecard.status in ('red', 'amber')
)

select * from final
order by score
