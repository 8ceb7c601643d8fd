-- title: Headline KPIs per month
-- description: One row per calendar month overlapping the period, the first and last months
--   clipped to it: the columns of the kpis query (same definitions) computed for each month
--   in one pass, for the sparklines. month = the first day of the calendar month.
-- chart: line x=month y=active_end_count
WITH months AS (
    SELECT month::DATE AS month,
           greatest(month, $start_date)::DATE AS month_start,
           least(month + INTERVAL 1 MONTH - INTERVAL 1 DAY, $end_date)::DATE AS month_end  -- inclusive
    FROM (SELECT unnest(generate_series(date_trunc('month', $start_date), $end_date, INTERVAL 1 MONTH)) AS month)
),
daily AS (
    SELECT day, sum(new_count) AS new_count, sum(reactivated_count) AS reactivated_count,
           sum(lost_count) AS lost_count
    FROM movements_daily
    WHERE day <= $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY day
),
opening AS (
    SELECT coalesce(sum(new_count + reactivated_count - lost_count), 0) AS active_count
    FROM daily WHERE day < $start_date
),
per_month AS (
    SELECT m.month,
           coalesce(sum(d.new_count), 0) AS new_count,
           coalesce(sum(d.reactivated_count), 0) AS reactivated_count,
           coalesce(sum(d.lost_count), 0) AS lost_count
    FROM months m LEFT JOIN daily d ON d.day BETWEEN m.month_start AND m.month_end
    GROUP BY m.month
),
movements AS (  -- months are contiguous: a month starts with what the months before it left
    SELECT p.*,
           (SELECT active_count FROM opening)
             + coalesce(sum(new_count + reactivated_count - lost_count)
                   OVER (ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
             AS active_start_count
    FROM per_month p
),
lost_from_start AS (
    SELECT m.month, sum(e.spells_count) AS lost_from_start_count
    FROM spell_ends e JOIN months m ON e.end_on BETWEEN m.month_start AND m.month_end AND e.start_on < m.month_start
    WHERE e.end_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, e.region) AND in_filter($segments, e.segment) AND in_filter($channels, e.channel)
    GROUP BY m.month
),
revenue AS (
    SELECT m.month, sum(r.revenue_amount) AS revenue_amount, sum(r.orders_count) AS orders_count
    FROM revenue_daily r JOIN months m ON r.day BETWEEN m.month_start AND m.month_end
    WHERE r.day BETWEEN $start_date AND $end_date
      AND in_filter($regions, r.region) AND in_filter($segments, r.segment) AND in_filter($channels, r.channel)
    GROUP BY m.month
),
nps AS (
    SELECT m.month, sum(s.nps_responses_count) AS responses_count,
           100.0 * (sum(s.promoters_count) - sum(s.detractors_count))::BIGINT
             / nullif(sum(s.nps_responses_count), 0)::BIGINT AS nps_score
    FROM survey_daily s JOIN months m ON s.day BETWEEN m.month_start AND m.month_end
    WHERE s.day BETWEEN $start_date AND $end_date
      AND in_filter($regions, s.region) AND in_filter($segments, s.segment) AND in_filter($channels, s.channel)
    GROUP BY m.month
),
costs AS (  -- as in kpis: the days of each cost month inside each (clipped) month
    SELECT m.month,
           sum((c.acquisition_cost + c.service_cost) * month_share(c.month, m.month_start, m.month_end))
             AS channel_cost_amount
    FROM channel_costs c JOIN months m ON c.month BETWEEN date_trunc('month', m.month_start) AND m.month_end
    WHERE in_filter($regions, c.region) AND in_filter($channels, c.channel)
    GROUP BY m.month
)
SELECT
    m.month,
    m.active_start_count::BIGINT AS active_start_count,
    (m.active_start_count + m.new_count + m.reactivated_count - m.lost_count)::BIGINT AS active_end_count,
    m.new_count::BIGINT AS new_count,
    m.reactivated_count::BIGINT AS reactivated_count,
    m.lost_count::BIGINT AS lost_count,
    coalesce(l.lost_from_start_count, 0)::BIGINT / nullif(m.active_start_count::BIGINT, 0) AS churn_rate_pct,
    coalesce(r.revenue_amount, 0) AS revenue_amount,
    coalesce(r.orders_count, 0)::BIGINT AS orders_count,
    coalesce(r.revenue_amount, 0)
      / nullif((m.active_start_count::BIGINT + (m.active_start_count + m.new_count + m.reactivated_count - m.lost_count)::BIGINT) / 2, 0)
      AS arpa_amount,
    n.nps_score,
    coalesce(n.responses_count, 0)::BIGINT AS responses_count,
    c.channel_cost_amount
FROM movements m
LEFT JOIN lost_from_start l USING (month)
LEFT JOIN revenue r USING (month)
LEFT JOIN nps n USING (month)
LEFT JOIN costs c USING (month)
ORDER BY m.month
