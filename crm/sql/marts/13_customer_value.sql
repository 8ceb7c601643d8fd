-- Every customer's revenue and orders over all time, the group its linked value counts in (the
-- parent heads the group) and the group's revenue. Up to a day d: subtract the orders after d,
-- which for the usual period ending on the as-of date are none (order_facts is sorted by date).
CREATE TABLE customer_value AS
SELECT c.customer_id, c.acquired_on,
       coalesce(c.parent_customer_id, c.customer_id) AS group_id,
       coalesce(o.revenue_amount, 0) AS revenue_amount,
       coalesce(o.orders_count, 0)::BIGINT AS orders_count,
       sum(coalesce(o.revenue_amount, 0)) OVER (PARTITION BY coalesce(c.parent_customer_id, c.customer_id))
         AS group_revenue_amount
FROM customers c
LEFT JOIN (SELECT customer_id, sum(amount) AS revenue_amount, count(*) AS orders_count
           FROM orders GROUP BY customer_id) o USING (customer_id)
ORDER BY c.customer_id;
