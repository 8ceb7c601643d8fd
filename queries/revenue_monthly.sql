-- title: Revenue per month
-- description: One row per calendar month overlapping the period (the first and last
--   months clipped to the period): revenue (sum of order amounts), orders, and distinct
--   customers who ordered. Channel = the channel of the order.
-- chart: line x=month y=revenue_amount
WITH months AS (
    SELECT month FROM calendar WHERE day BETWEEN $start_date AND $end_date GROUP BY month
),
orders_in_period AS (
    SELECT date_trunc('month', ordered_on)::DATE AS month, order_id, customer_id, amount
    FROM order_facts
    WHERE ordered_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
)
SELECT m.month,
       coalesce(sum(o.amount), 0) AS revenue_amount,
       count(o.order_id)::BIGINT AS orders_count,
       count(DISTINCT o.customer_id)::BIGINT AS customers_count
FROM months m LEFT JOIN orders_in_period o USING (month)
GROUP BY m.month
ORDER BY m.month
