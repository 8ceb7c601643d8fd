-- title: Channel cost as a share of revenue
-- description: One row: channel cost (acquisition + service costs in the period, a month's
--   cost spread evenly over its days, as on the Channels page), revenue (sum of order amounts
--   in the period) and the cost share = channel cost / revenue. Costs are not split by
--   segment, so the segment filter applies to neither part; region and channel filters apply
--   to both (the order's own channel).
WITH costs AS (
    SELECT sum((acquisition_cost + service_cost) * month_share(month, $start_date, $end_date))
             AS channel_cost_amount
    FROM channel_costs
    WHERE month BETWEEN date_trunc('month', $start_date) AND $end_date
      AND in_filter($regions, region) AND in_filter($channels, channel)
),
revenue AS (
    SELECT sum(revenue_amount) AS revenue_amount
    FROM revenue_daily
    WHERE day BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($channels, channel)
)
SELECT c.channel_cost_amount, r.revenue_amount,
       c.channel_cost_amount / nullif(r.revenue_amount, 0) AS channel_cost_share_pct
FROM costs c, revenue r
