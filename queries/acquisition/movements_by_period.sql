-- title: Customers won and lost per period
-- description: One row per week, month, quarter or year (the page's grain) overlapping the
--   period, the first and last clipped to the period: customers active at the start, new,
--   reactivated and lost in it, the net change (new + reactivated - lost) and active at the
--   end. Always: end = start + net change. Channel = the channel the customer was acquired
--   through.
-- chart: bar x=period y=new_count,reactivated_count,lost_count
WITH periods AS (
    SELECT date_trunc($grain, day)::DATE AS period,
           min(day) AS period_start,
           max(day) + 1 AS period_end  -- exclusive
    FROM calendar
    WHERE day BETWEEN $start_date AND $end_date
    GROUP BY ALL
),
daily AS (
    SELECT day, sum(new_count) AS new_count, sum(reactivated_count) AS reactivated_count,
           sum(lost_count) AS lost_count
    FROM movements_daily
    WHERE in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY day
),
opening AS (
    SELECT coalesce(sum(new_count + reactivated_count - lost_count), 0) AS active_count
    FROM daily WHERE day < $start_date
),
per_period AS (
    SELECT p.period,
           coalesce(sum(d.new_count), 0) AS new_count,
           coalesce(sum(d.reactivated_count), 0) AS reactivated_count,
           coalesce(sum(d.lost_count), 0) AS lost_count
    FROM periods p LEFT JOIN daily d ON d.day >= p.period_start AND d.day < p.period_end
    GROUP BY p.period
),
running AS (
    SELECT *,
           (SELECT active_count FROM opening)
             + coalesce(sum(new_count + reactivated_count - lost_count)
                   OVER (ORDER BY period ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
             AS active_start_count
    FROM per_period
)
SELECT period,
       active_start_count::BIGINT AS active_start_count,
       new_count::BIGINT AS new_count,
       reactivated_count::BIGINT AS reactivated_count,
       lost_count::BIGINT AS lost_count,
       (new_count + reactivated_count - lost_count)::BIGINT AS net_change_count,
       (active_start_count + new_count + reactivated_count - lost_count)::BIGINT AS active_end_count
FROM running
ORDER BY period
