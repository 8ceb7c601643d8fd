-- title: Headline KPIs
-- description: One row for the whole period. Customers active at its start and end; new,
--   reactivated and lost spells in it; churn rate = lost among those active at the start /
--   active at the start; revenue = sum of order amounts; ARPA = revenue / average of the
--   active customers at start and end; NPS = % promoters (9-10) - % detractors (0-6) of
--   the survey answers in the period; channel cost = acquisition + service costs of the
--   months overlapping the period (costs are not split by segment).
WITH spells AS (
    SELECT start_on, end_on, is_reactivation FROM customer_spells
    WHERE in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
),
movements AS (
    SELECT
        count(*) FILTER (WHERE start_on < $start_date AND (end_on IS NULL OR end_on >= $start_date)) AS active_start_count,
        count(*) FILTER (WHERE start_on <= $end_date AND (end_on IS NULL OR end_on > $end_date)) AS active_end_count,
        count(*) FILTER (WHERE NOT is_reactivation AND start_on BETWEEN $start_date AND $end_date) AS new_count,
        count(*) FILTER (WHERE is_reactivation AND start_on BETWEEN $start_date AND $end_date) AS reactivated_count,
        count(*) FILTER (WHERE end_on BETWEEN $start_date AND $end_date) AS lost_count,
        count(*) FILTER (WHERE start_on < $start_date AND end_on BETWEEN $start_date AND $end_date) AS lost_from_start_count
    FROM spells
),
revenue AS (
    SELECT coalesce(sum(amount), 0) AS revenue_amount, count(*) AS orders_count
    FROM order_facts
    WHERE ordered_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
),
nps AS (
    SELECT count(*) AS responses_count,
           100.0 * (count(*) FILTER (WHERE nps_score >= 9) - count(*) FILTER (WHERE nps_score <= 6))
             / nullif(count(*), 0) AS nps_score
    FROM surveys s JOIN customers c USING (customer_id)
    WHERE s.nps_score IS NOT NULL AND s.answered_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, c.region) AND in_filter($segments, c.segment)
      AND in_filter($channels, coalesce(s.channel, c.channel))
),
costs AS (
    SELECT sum(acquisition_cost + service_cost) AS channel_cost_amount
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
    m.lost_from_start_count / nullif(m.active_start_count, 0) AS churn_rate_pct,
    r.revenue_amount,
    r.orders_count::BIGINT AS orders_count,
    r.revenue_amount / nullif((m.active_start_count + m.active_end_count) / 2, 0) AS arpa_amount,
    n.nps_score,
    n.responses_count::BIGINT AS responses_count,
    c.channel_cost_amount
FROM movements m, revenue r, nps n, costs c
