-- title: Headline KPIs
-- description: One row for the whole period. Customers active at its start and end; new,
--   reactivated and lost spells in it; churn rate = lost among those active at the start /
--   active at the start; revenue = sum of order amounts; ARPA = revenue / average of the
--   active customers at start and end; NPS = % promoters (9-10) - % detractors (0-6) of
--   the survey answers in the period; channel cost = acquisition + service costs in the
--   period, a month's cost spread evenly over its days (costs are not split by segment).
-- Reads the marts built with the warehouse (movements_daily, spell_ends, revenue_daily,
-- survey_daily), so it costs the same whatever the number of orders.
WITH movements AS (  -- active on day d = spells started before d - spells ended before d
    SELECT
        coalesce(sum(new_count + reactivated_count - lost_count) FILTER (WHERE day < $start_date), 0) AS active_start_count,
        coalesce(sum(new_count + reactivated_count - lost_count) FILTER (WHERE day <= $end_date), 0) AS active_end_count,
        coalesce(sum(new_count) FILTER (WHERE day BETWEEN $start_date AND $end_date), 0) AS new_count,
        coalesce(sum(reactivated_count) FILTER (WHERE day BETWEEN $start_date AND $end_date), 0) AS reactivated_count,
        coalesce(sum(lost_count) FILTER (WHERE day BETWEEN $start_date AND $end_date), 0) AS lost_count
    FROM movements_daily
    WHERE day <= $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
),
lost_from_start AS (
    SELECT coalesce(sum(spells_count), 0) AS lost_from_start_count
    FROM spell_ends
    WHERE end_on BETWEEN $start_date AND $end_date AND start_on < $start_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
),
revenue AS (
    SELECT coalesce(sum(revenue_amount), 0) AS revenue_amount, coalesce(sum(orders_count), 0) AS orders_count
    FROM revenue_daily
    WHERE day BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
),
nps AS (
    SELECT coalesce(sum(nps_responses_count), 0)::BIGINT AS responses_count,
           100.0 * (sum(promoters_count) - sum(detractors_count))::BIGINT
             / nullif(sum(nps_responses_count), 0)::BIGINT AS nps_score
    FROM survey_daily
    WHERE day BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
),
costs AS (
    SELECT sum((acquisition_cost + service_cost) * month_share(month, $start_date, $end_date)) AS channel_cost_amount
    FROM channel_costs
    WHERE month BETWEEN date_trunc('month', $start_date) AND $end_date
      AND in_filter($regions, region) AND in_filter($channels, channel)
)
SELECT
    m.active_start_count::BIGINT AS active_start_count,
    m.active_end_count::BIGINT AS active_end_count,
    m.new_count::BIGINT AS new_count,
    m.reactivated_count::BIGINT AS reactivated_count,
    m.lost_count::BIGINT AS lost_count,
    l.lost_from_start_count::BIGINT / nullif(m.active_start_count::BIGINT, 0) AS churn_rate_pct,
    r.revenue_amount,
    r.orders_count::BIGINT AS orders_count,
    r.revenue_amount / nullif((m.active_start_count::BIGINT + m.active_end_count::BIGINT) / 2, 0) AS arpa_amount,
    n.nps_score,
    n.responses_count,
    c.channel_cost_amount
FROM movements m, lost_from_start l, revenue r, nps n, costs c
