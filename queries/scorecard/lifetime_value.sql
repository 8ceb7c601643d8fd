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
spells AS (
    SELECT start_on, end_on FROM customer_spells
    WHERE in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
),
customers_per_window AS (
    SELECT w.window_start,
           count(*) FILTER (WHERE s.start_on < w.window_start
                              AND (s.end_on IS NULL OR s.end_on >= w.window_start)) AS active_start,
           count(*) FILTER (WHERE s.start_on < w.window_end
                              AND (s.end_on IS NULL OR s.end_on >= w.window_end)) AS active_end,
           count(*) FILTER (WHERE s.start_on < w.window_start
                              AND s.end_on >= w.window_start AND s.end_on < w.window_end) AS lost_from_start
    FROM windows w CROSS JOIN spells s
    GROUP BY w.window_start
),
revenue_per_window AS (
    SELECT w.window_start, coalesce(sum(o.amount), 0) AS revenue
    FROM windows w
    LEFT JOIN order_facts o ON o.ordered_on >= w.window_start AND o.ordered_on < w.window_end
         AND in_filter($regions, o.region) AND in_filter($segments, o.segment) AND in_filter($channels, o.channel)
    GROUP BY w.window_start
),
per_window AS (
    SELECT r.revenue / nullif((c.active_start + c.active_end) / 2, 0) AS arpa,
           c.lost_from_start / nullif(c.active_start, 0) AS churn
    FROM windows w
    LEFT JOIN customers_per_window c USING (window_start)
    LEFT JOIN revenue_per_window r USING (window_start)
)
SELECT avg(arpa) AS monthly_arpa_amount,
       avg(churn) AS monthly_churn_rate_pct,
       avg(arpa) * $margin_pct / nullif(avg(churn), 0) AS lifetime_value_amount
FROM per_window
