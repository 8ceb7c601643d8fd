-- title: Monthly churn rate against its target
-- description: One row per calendar month overlapping the period (the first and last months
--   clipped to it): customers active at the start of the month, those of them lost in the
--   month, the churn rate = lost among those active at the start / active at the start, and
--   the churn target (goal) and red flag of the `targets` table (kpi 'churn_rate', a monthly
--   fraction) valid on the month's first day. Channel = the channel the customer was
--   acquired through.
-- chart: line x=month y=churn_rate_pct,churn_target_pct
WITH months AS (
    SELECT month,
           greatest(month, $start_date)::DATE AS month_start,
           least(month + INTERVAL 1 MONTH, $end_date + 1)::DATE AS month_end  -- exclusive
    FROM calendar
    WHERE day BETWEEN $start_date AND $end_date
    GROUP BY month
),
spells AS (
    SELECT start_on, end_on FROM customer_spells
    WHERE in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
),
churn AS (  -- only spells active when the month began count, as in the headline churn rate
    SELECT m.month,
           count(s.start_on) AS active_start_count,
           count(s.start_on) FILTER (WHERE s.end_on < m.month_end) AS lost_from_start_count
    FROM months m
    LEFT JOIN spells s ON s.start_on < m.month_start AND (s.end_on IS NULL OR s.end_on >= m.month_start)
    GROUP BY m.month
),
target AS (  -- the latest target row valid on the month's first day
    SELECT m.month, arg_max(t.goal, t.valid_from) AS goal, arg_max(t.red_flag, t.valid_from) AS red_flag
    FROM months m
    JOIN targets t ON t.kpi = 'churn_rate' AND m.month_start BETWEEN t.valid_from AND t.valid_to
    GROUP BY m.month
)
SELECT c.month,
       c.active_start_count::BIGINT AS active_start_count,
       c.lost_from_start_count::BIGINT AS lost_from_start_count,
       c.lost_from_start_count / nullif(c.active_start_count, 0) AS churn_rate_pct,
       t.goal AS churn_target_pct,
       t.red_flag AS churn_red_flag_pct
FROM churn c LEFT JOIN target t USING (month)
ORDER BY c.month
