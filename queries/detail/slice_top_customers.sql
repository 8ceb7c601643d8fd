-- title: Top customers of a slice
-- description: One row per customer, the top_n customers by revenue in the period within the
--   current filters (region and segment: the customer's; channel: the order's), with segment,
--   region, the channel the customer was acquired through, orders, revenue and
--   revenue_share_pct = their share of the revenue of the whole selection. Customer ids only:
--   names live apart from the warehouse.
-- chart: bar x=customer_id y=revenue_amount color=segment
-- param: top_n integer 10 How many customers to list
WITH bought AS (
    SELECT customer_id, count(*) AS orders, sum(amount) AS revenue
    FROM order_facts
    WHERE ordered_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY customer_id
)
SELECT b.customer_id, c.segment, c.region, c.channel AS acquired_through,
       b.orders::BIGINT AS orders_count,
       b.revenue AS revenue_amount,
       b.revenue / nullif(sum(b.revenue) OVER (), 0) AS revenue_share_pct,
       c.consent
FROM bought b JOIN customers c USING (customer_id)
ORDER BY b.revenue DESC, b.customer_id
LIMIT $top_n
