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

-- customer_value_at(day): every customer's revenue and orders up to `day` (inclusive), and the
-- revenue of their group up to then (linked value): the all-time totals minus what came later.
CREATE MACRO customer_value_at(day) AS TABLE
WITH later AS (
    SELECT o.customer_id, any_value(v.group_id) AS group_id, sum(o.amount) AS revenue, count(*) AS orders
    FROM order_facts o JOIN customer_value v USING (customer_id)
    WHERE o.ordered_on > day
    GROUP BY o.customer_id
),
later_in_group AS (
    SELECT group_id, sum(revenue) AS revenue FROM later GROUP BY group_id
)
SELECT v.customer_id, v.acquired_on, v.group_id,
       v.revenue_amount - coalesce(l.revenue, 0) AS lifetime,
       v.orders_count - coalesce(l.orders, 0) AS orders,
       v.group_revenue_amount - coalesce(g.revenue, 0) AS linked
FROM customer_value v
LEFT JOIN later l USING (customer_id)
LEFT JOIN later_in_group g ON g.group_id = v.group_id;
