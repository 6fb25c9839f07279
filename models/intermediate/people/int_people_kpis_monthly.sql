-- kpis.md section 11, people KPIs, for the company and each team (the rep's team):
-- rep_ramp_up_days, training_hours_per_rep and conversion_spread, in the long kpi_monthly
-- shape. is_mature = month closed (none of them is a funnel KPI).
{%- set slices = [['company', none], ['team', 'team']] %}
with

months as (
    select * from {{ ref('int_calendar_months') }}
),

reps as (
    select * from {{ ref('int_reps_first_orders') }}
),

trainings as (
    select * from {{ ref('stg_people__trainings') }}
),

-- the funnel's monthly lead -> order counts by owner rep: leads_started counts the leads
-- created in the month (a lead reaches the `lead` stage at its created_at), leads_converted
-- those of them that reached order_won by as_of
lead_to_order_by_rep as (
    select * from {{ ref('int_funnel_conversions_monthly') }}
    where funnel_step = 'lead_to_order'
        and slice_type = 'rep'
),

-- rep_ramp_up_days ---------------------------------------------------------------------

-- reps hired in the 12 months ending with M (M-11 .. the end of M), with the days to their
-- first order when that order came by the end of M
ramp_up_scope as (
    select
        months.period_month,
        reps.rep_id,
        reps.team,
        case
            when reps.first_order_on <= months.month_end_on
                then {{ dbt.datediff('reps.hired_on', 'reps.first_order_on', 'day') }}
        end as days_to_first_order
    from months
    inner join reps
        on reps.hired_on >= cast({{ dbt.dateadd('month', -11, 'months.period_month') }} as date)
        and reps.hired_on <= months.month_end_on
),

ramp_up_sliced as (
    {{ slice_rows('ramp_up_scope', slices) }}
),

-- a median has a row for every month with a rep in scope; null while none has an order
ramp_up as (
    select
        'rep_ramp_up_days' as kpi_code,
        period_month,
        slice_type,
        slice_value,
        cast(null as {{ type_double() }}) as numerator,
        cast(null as {{ type_double() }}) as denominator,
        percentile_cont(0.5) within group (order by days_to_first_order) as value
    from ramp_up_sliced
    group by period_month, slice_type, slice_value
),

-- training_hours_per_rep --------------------------------------------------------------

-- reps employed on any day of M up to its end
employed_reps as (
    select
        months.period_month,
        reps.rep_id,
        reps.team
    from months
    inner join reps
        on reps.hired_on <= months.month_end_on
        and (reps.left_on is null or reps.left_on >= months.period_month)
),

employed_sliced as (
    {{ slice_rows('employed_reps', slices) }}
),

headcount as (
    select
        period_month,
        slice_type,
        slice_value,
        count(distinct rep_id) as reps_employed
    from employed_sliced
    group by period_month, slice_type, slice_value
),

-- trainings held in M up to its end; a team's hours are those of its reps
trainings_held as (
    select
        months.period_month,
        reps.team,
        trainings.hours
    from trainings
    inner join months
        on trainings.held_on >= months.period_month
        and trainings.held_on <= months.month_end_on
    left join reps
        on trainings.rep_id = reps.rep_id
),

trainings_sliced as (
    {{ slice_rows('trainings_held', slices) }}
),

training_totals as (
    select
        period_month,
        slice_type,
        slice_value,
        sum(hours) as training_hours
    from trainings_sliced
    group by period_month, slice_type, slice_value
),

training_hours_per_rep as (
    select
        'training_hours_per_rep' as kpi_code,
        coalesce(headcount.period_month, training_totals.period_month) as period_month,
        coalesce(headcount.slice_type, training_totals.slice_type) as slice_type,
        coalesce(headcount.slice_value, training_totals.slice_value) as slice_value,
        coalesce(training_totals.training_hours, 0) as numerator,
        coalesce(headcount.reps_employed, 0) as denominator,
        {{ safe_divide('coalesce(training_totals.training_hours, 0)', 'headcount.reps_employed') }} as value
    from headcount
    full outer join training_totals
        on headcount.period_month = training_totals.period_month
        and headcount.slice_type = training_totals.slice_type
        and headcount.slice_value = training_totals.slice_value
),

-- conversion_spread --------------------------------------------------------------------

-- each rep's conv_lead_to_order over the leads created in the 12 months ending with M
-- (M-11 .. M); the rep's team from reps
rep_conversion as (
    select
        months.period_month,
        lead_to_order_by_rep.slice_value as owner_rep_id,
        reps.team,
        sum(lead_to_order_by_rep.leads_started) as leads_created,
        {{ safe_divide('sum(lead_to_order_by_rep.leads_converted)', 'sum(lead_to_order_by_rep.leads_started)') }}
            as conv_lead_to_order
    from months
    inner join lead_to_order_by_rep
        on lead_to_order_by_rep.period_month
            >= cast({{ dbt.dateadd('month', -11, 'months.period_month') }} as date)
        and lead_to_order_by_rep.period_month <= months.period_month
    left join reps
        on lead_to_order_by_rep.slice_value = reps.rep_id
    group by months.period_month, lead_to_order_by_rep.slice_value, reps.team
),

rep_conversion_sliced as (
    {{ slice_rows('rep_conversion', slices) }}
),

-- only reps with at least conversion_spread_min_leads leads compare; null with fewer than two
conversion_spread as (
    select
        'conversion_spread' as kpi_code,
        period_month,
        slice_type,
        slice_value,
        cast(null as {{ type_double() }}) as numerator,
        cast(null as {{ type_double() }}) as denominator,
        case
            when sum(case when leads_created >= {{ var('conversion_spread_min_leads') }} then 1 else 0 end) >= 2
                then max(case when leads_created >= {{ var('conversion_spread_min_leads') }} then conv_lead_to_order end)
                    - min(case when leads_created >= {{ var('conversion_spread_min_leads') }} then conv_lead_to_order end)
        end as value
    from rep_conversion_sliced
    group by period_month, slice_type, slice_value
),

people_kpis as (
    select * from ramp_up
    {%- if export_has_table('trainings') %}
    union all
    select * from training_hours_per_rep
    {%- endif %}
    union all
    select * from conversion_spread
),

final as (
    select
        {{ kpi_row(
            'people_kpis.kpi_code', 'people_kpis.period_month', 'people_kpis.slice_type',
            'people_kpis.slice_value', 'people_kpis.numerator', 'people_kpis.denominator',
            'people_kpis.value', 'months.is_month_closed'
        ) }}
    from people_kpis
    inner join months
        on people_kpis.period_month = months.period_month
)

select * from final
