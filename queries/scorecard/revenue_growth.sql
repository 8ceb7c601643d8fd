-- title: Revenue growth
-- description: One row: revenue (sum of order amounts) in the period, in the previous period
--   of equal length (the same number of days just before it), and the growth = revenue /
--   previous revenue - 1 (empty when the previous period had no revenue). Channel = the
--   order's channel.
WITH bounds AS (
    SELECT ($start_date - ($end_date - $start_date + 1)::INTEGER)::DATE AS previous_start
),
revenue AS (
    SELECT coalesce(sum(revenue_amount) FILTER (WHERE day >= $start_date), 0) AS revenue_amount,
           coalesce(sum(revenue_amount) FILTER (WHERE day < $start_date), 0) AS previous_revenue_amount
    FROM revenue_daily, bounds
    WHERE day BETWEEN bounds.previous_start AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
)
SELECT revenue_amount, previous_revenue_amount,
       revenue_amount / nullif(previous_revenue_amount, 0) - 1 AS revenue_growth_pct
FROM revenue
