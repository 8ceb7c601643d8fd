-- title: Customer lifetime value
-- description: One row: lifetime value = monthly ARPA x margin / monthly churn rate, both
--   averaged over the six month-long windows that end on the last day of the period (a
--   trailing 6-month average, so it describes the end of the period, whatever its length).
--   Per window: ARPA = revenue / average of the customers active at its start and end;
--   churn = customers active at its start lost in it / active at its start. Margin = the
--   `margin` setting. Empty when no customer was lost in the six months. Channel = the
--   channel the customer was acquired through (revenue: the order's channel).
WITH windows AS (  -- [window_start, window_end): six month-long windows ending with $end_date
    SELECT (($end_date + 1) - to_months(i + 1))::DATE AS window_start,
           (($end_date + 1) - to_months(i))::DATE AS window_end
    FROM (SELECT unnest(generate_series(0, 5)) AS i)
),
movements AS (  -- active on day d = spells started before d - spells ended before d
    SELECT day, sum(new_count + reactivated_count - lost_count) AS net_count
    FROM movements_daily
    WHERE day <= $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY day
),
customers_per_window AS (
    SELECT w.window_start,
           coalesce(sum(m.net_count) FILTER (WHERE m.day < w.window_start), 0) AS active_start,
           coalesce(sum(m.net_count), 0) AS active_end
    FROM windows w LEFT JOIN movements m ON m.day < w.window_end
    GROUP BY w.window_start
),
lost_per_window AS (  -- spells active at a window's start that ended in it
    SELECT w.window_start, coalesce(sum(e.spells_count), 0) AS lost_from_start
    FROM windows w LEFT JOIN spell_ends e
         ON e.end_on >= w.window_start AND e.end_on < w.window_end AND e.start_on < w.window_start
         AND in_filter($regions, e.region) AND in_filter($segments, e.segment) AND in_filter($channels, e.channel)
    GROUP BY w.window_start
),
revenue_per_window AS (
    SELECT w.window_start, coalesce(sum(r.revenue_amount), 0) AS revenue
    FROM windows w
    LEFT JOIN revenue_daily r ON r.day >= w.window_start AND r.day < w.window_end
         AND in_filter($regions, r.region) AND in_filter($segments, r.segment) AND in_filter($channels, r.channel)
    GROUP BY w.window_start
),
per_window AS (
    SELECT r.revenue / nullif((c.active_start + c.active_end) / 2, 0) AS arpa,
           l.lost_from_start / nullif(c.active_start, 0) AS churn
    FROM windows w
    LEFT JOIN customers_per_window c USING (window_start)
    LEFT JOIN lost_per_window l USING (window_start)
    LEFT JOIN revenue_per_window r USING (window_start)
)
SELECT avg(arpa) AS monthly_arpa_amount,
       avg(churn) AS monthly_churn_rate_pct,
       avg(arpa) * $margin_pct / nullif(avg(churn), 0) AS lifetime_value_amount
FROM per_window
