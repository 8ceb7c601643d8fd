-- title: Top customers by revenue
-- description: One row per customer, the top_n customers by revenue in the period, with their
--   segment, region, orders and revenue. An example of a query with its own parameter.
-- chart: bar x=customer_id y=revenue_amount color=segment
-- owner: Analytics team
-- param: top_n integer 10 How many customers to list
SELECT customer_id, segment, region,
       count(*)::BIGINT AS orders_count,
       round(sum(amount), 2) AS revenue_amount
FROM order_facts
WHERE ordered_on BETWEEN $start_date AND $end_date
  AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
GROUP BY ALL
ORDER BY revenue_amount DESC
LIMIT $top_n
