-- the stretches of days on which an account is active (kpis.md, Customer states): a
-- non-cancelled order on day o keeps it active on o ... o + churn_inactivity_days - 1 (the
-- window (d - churn_inactivity_days, d]); a contract keeps it active from starts_on to the
-- earlier of terminated_on and ends_on. Overlapping or touching stretches are merged, so an
-- account is active on d exactly when one of its spans covers d.
with

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

contracts as (
    select * from {{ ref('stg_crm__contracts') }}
),

order_windows as (
    select
        account_id,
        ordered_on as covers_from,
        cast({{ dbt.dateadd('day', var('churn_inactivity_days') - 1, 'ordered_on') }} as date)
            as covers_to
    from orders
    where not is_cancelled
),

-- an open-ended contract runs "forever": a far date stands in for the missing end
contract_windows as (
    select
        account_id,
        starts_on as covers_from,
        case
            when terminated_on is null and ends_on is null then cast('9999-12-31' as date)
            when terminated_on is null then ends_on
            when ends_on is null then terminated_on
            when terminated_on < ends_on then terminated_on
            else ends_on
        end as covers_to
    from contracts
    where starts_on is not null
),

windows as (
    select account_id, covers_from, covers_to from order_windows
    union all
    select account_id, covers_from, covers_to from contract_windows
),

-- a contract terminated before it started never runs. Identical windows (two orders on one
-- day) are one: the two window functions below must see the same order, and rows that tie on
-- (covers_from, covers_to) could come in a different order in each, splitting a span in two
valid_windows as (
    select distinct account_id, covers_from, covers_to from windows
    where covers_to >= covers_from
),

-- gaps and islands: a window opens a new span when it starts after the day following the
-- latest end seen so far (touching windows are one span: the account is active every day)
windows_with_reach as (
    select
        account_id,
        covers_from,
        covers_to,
        max(covers_to) over (
            partition by account_id
            order by covers_from, covers_to
            rows between unbounded preceding and 1 preceding
        ) as reach_before
    from valid_windows
),

windows_flagged as (
    select
        *,
        case
            when reach_before is null then 1
            when covers_from > cast({{ dbt.dateadd('day', 1, 'reach_before') }} as date) then 1
            else 0
        end as opens_span
    from windows_with_reach
),

windows_numbered as (
    select
        *,
        sum(opens_span) over (
            partition by account_id
            order by covers_from, covers_to
            rows between unbounded preceding and current row
        ) as span_number
    from windows_flagged
),

final as (
    select
        account_id,
        span_number,
        min(covers_from) as active_from,
        -- null: still active with no end in sight (an open-ended contract)
        nullif(max(covers_to), cast('9999-12-31' as date)) as active_to
    from windows_numbered
    group by account_id, span_number
)

select * from final
