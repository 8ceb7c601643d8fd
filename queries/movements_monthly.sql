-- title: Customer movements per month
-- description: One row per calendar month overlapping the period (the first and last
--   months clipped to the period): customers active at the start, new, reactivated and
--   lost in the month, active at the end, and the churn rate = lost among those active at
--   the start / active at the start. Always: end = start + new + reactivated - lost.
--   Channel = the channel the customer was acquired through.
-- chart: bar x=month y=new_count,reactivated_count,lost_count
WITH months AS (
    SELECT month,
           greatest(month, $start_date)::DATE AS month_start,
           least(month + INTERVAL 1 MONTH, $end_date + 1)::DATE AS month_end  -- exclusive
    FROM calendar
    WHERE day BETWEEN $start_date AND $end_date
    GROUP BY month
),
daily AS (
    SELECT day, sum(new_count) AS new_count, sum(reactivated_count) AS reactivated_count,
           sum(lost_count) AS lost_count
    FROM movements_daily
    WHERE day <= $end_date AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY day
),
opening AS (
    SELECT coalesce(sum(new_count + reactivated_count - lost_count), 0) AS active_count
    FROM daily WHERE day < $start_date
),
per_month AS (
    SELECT m.month, m.month_start,
           coalesce(sum(d.new_count), 0) AS new_count,
           coalesce(sum(d.reactivated_count), 0) AS reactivated_count,
           coalesce(sum(d.lost_count), 0) AS lost_count
    FROM months m LEFT JOIN daily d ON d.day >= m.month_start AND d.day < m.month_end
    GROUP BY m.month, m.month_start
),
lost_from_start AS (  -- churn counts only losses among customers active when the month began
    SELECT m.month, sum(e.spells_count)::BIGINT AS lost_count
    FROM spell_ends e JOIN months m ON e.end_on >= m.month_start AND e.end_on < m.month_end
    WHERE e.start_on < m.month_start AND e.end_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, e.region) AND in_filter($segments, e.segment) AND in_filter($channels, e.channel)
    GROUP BY m.month
),
running AS (
    SELECT p.*,
           (SELECT active_count FROM opening)
             + coalesce(sum(new_count + reactivated_count - lost_count)
                   OVER (ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
             AS active_start_count
    FROM per_month p
)
SELECT r.month,
       r.active_start_count::BIGINT AS active_start_count,
       r.new_count::BIGINT AS new_count,
       r.reactivated_count::BIGINT AS reactivated_count,
       r.lost_count::BIGINT AS lost_count,
       (r.active_start_count + r.new_count + r.reactivated_count - r.lost_count)::BIGINT AS active_end_count,
       coalesce(l.lost_count, 0) / nullif(r.active_start_count, 0) AS churn_rate_pct
FROM running r LEFT JOIN lost_from_start l USING (month)
ORDER BY r.month
