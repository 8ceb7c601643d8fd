-- title: Purchase frequency, order value and recency by segment
-- description: One row per segment: customers who ordered in the period, their orders,
--   orders per customer, average order value, revenue per customer, and the average days
--   from a customer's last order to the end of the period (recency). Channel = the channel
--   of the order.
-- chart: bar x=segment y=average_order_value_amount
WITH buyers AS (
    SELECT segment, customer_id, count(*) AS orders, sum(amount) AS revenue, max(ordered_on) AS last_order_on
    FROM order_facts
    WHERE ordered_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY segment, customer_id
)
SELECT segment,
       count(*)::BIGINT AS customers_count,
       sum(orders)::BIGINT AS orders_count,
       round(sum(orders) / count(*), 1) AS orders_per_customer,
       sum(revenue) / sum(orders) AS average_order_value_amount,
       sum(revenue) / count(*) AS revenue_per_customer_amount,
       avg($end_date - last_order_on) AS average_recency_days
FROM buyers
GROUP BY segment
ORDER BY segment
