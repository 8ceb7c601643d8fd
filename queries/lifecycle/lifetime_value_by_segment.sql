-- title: Lifetime value by segment
-- description: One row per segment. Historical value = revenue of all orders up to the end
--   of the period / customers acquired up to then (revenue recorded in the data only).
--   Predicted lifetime value = monthly ARPA x margin / monthly churn rate, both averaged over
--   the six month-long windows that end on the last day of the period, as in the
--   `lifetime_value` query (per window: ARPA = revenue / average of the customers active at
--   its start and end; churn = those active at its start lost in it / active at its start);
--   empty when no customer of the segment was lost in the six months (not defined).
--   Revenue is filtered by the order's channel, customers by their acquisition channel.
-- chart: bar x=segment y=predicted_value_amount
WITH windows AS (  -- [window_start, window_end): six month-long windows ending with $end_date
    SELECT (($end_date + 1) - to_months(i + 1))::DATE AS window_start,
           (($end_date + 1) - to_months(i))::DATE AS window_end
    FROM (SELECT unnest(generate_series(0, 5)) AS i)
),
spells AS (
    SELECT segment, customer_id, start_on, end_on FROM customer_spells
    WHERE in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
),
sales AS (
    SELECT segment, ordered_on, amount FROM order_facts
    WHERE ordered_on <= $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
),
segments AS (  -- customers acquired up to the end of the period
    SELECT segment, count(DISTINCT customer_id) AS customers
    FROM spells WHERE start_on <= $end_date GROUP BY segment
),
customers_per_window AS (
    SELECT g.segment, w.window_start,
           count(s.start_on) FILTER (WHERE s.start_on < w.window_start
                                       AND (s.end_on IS NULL OR s.end_on >= w.window_start)) AS active_start,
           count(s.start_on) FILTER (WHERE s.start_on < w.window_end
                                       AND (s.end_on IS NULL OR s.end_on >= w.window_end)) AS active_end,
           count(s.start_on) FILTER (WHERE s.start_on < w.window_start
                                       AND s.end_on >= w.window_start AND s.end_on < w.window_end) AS lost_from_start
    FROM segments g CROSS JOIN windows w
    LEFT JOIN spells s ON s.segment = g.segment
    GROUP BY g.segment, w.window_start
),
revenue_per_window AS (
    SELECT o.segment, w.window_start, sum(o.amount) AS revenue
    FROM windows w JOIN sales o ON o.ordered_on >= w.window_start AND o.ordered_on < w.window_end
    GROUP BY o.segment, w.window_start
),
per_window AS (
    SELECT c.segment,
           coalesce(r.revenue, 0) / nullif((c.active_start + c.active_end) / 2, 0) AS arpa,
           c.lost_from_start / nullif(c.active_start, 0) AS churn
    FROM customers_per_window c LEFT JOIN revenue_per_window r USING (segment, window_start)
),
predicted AS (
    SELECT segment, avg(arpa) AS arpa, avg(churn) AS churn FROM per_window GROUP BY segment
),
history AS (
    SELECT segment, sum(amount) AS revenue FROM sales GROUP BY segment
)
SELECT g.segment,
       g.customers::BIGINT AS customers_count,
       coalesce(h.revenue, 0) AS revenue_amount,
       coalesce(h.revenue, 0) / g.customers AS historical_value_amount,
       p.arpa AS monthly_arpa_amount,
       p.churn AS monthly_churn_rate_pct,
       p.arpa * $margin_pct / nullif(p.churn, 0) AS predicted_value_amount
FROM segments g
LEFT JOIN history h USING (segment)
LEFT JOIN predicted p USING (segment)
ORDER BY g.segment
