-- title: Pareto share by segment
-- description: One row per segment: customers with at least one order in the period (n),
--   their revenue, and the share of it from the segment's own top 20 % (the ceil(0.2 x n)
--   customers of the segment with the most revenue in the period; ties broken by customer
--   id). Channel = the channel of the order.
-- chart: bar x=segment y=top20_share_pct
WITH revenue AS (
    SELECT segment, customer_id, sum(amount) AS revenue
    FROM order_facts
    WHERE ordered_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY segment, customer_id
),
ranked AS (
    SELECT segment, revenue,
           row_number() OVER (PARTITION BY segment ORDER BY revenue DESC, customer_id) AS rank_no,
           count(*) OVER (PARTITION BY segment) AS customers
    FROM revenue
)
SELECT segment,
       count(*)::BIGINT AS customers_count,
       sum(revenue) AS revenue_amount,
       sum(revenue) FILTER (WHERE rank_no <= ceil(0.2 * customers)) AS top20_revenue_amount,
       sum(revenue) FILTER (WHERE rank_no <= ceil(0.2 * customers)) / nullif(sum(revenue), 0) AS top20_share_pct
FROM ranked
GROUP BY segment
ORDER BY segment
