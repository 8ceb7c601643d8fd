-- title: Orders of a customer per month
-- description: One row per calendar month from the customer's acquisition (or first order,
--   if earlier) to the as-of date: orders and revenue of the customer $customer in the month
--   (every order channel; zero in months without orders). No rows when the customer's region
--   is not among the selected regions. Whole history.
-- chart: bar x=month y=revenue_amount
-- param: customer text * Customer id
WITH me AS (
    SELECT customer_id, acquired_on FROM customers WHERE customer_id = $customer AND in_filter($regions, region)
),
bought AS (
    SELECT date_trunc('month', ordered_on)::DATE AS month, count(*) AS orders, sum(amount) AS revenue
    FROM orders WHERE customer_id = $customer
    GROUP BY 1
),
months AS (
    SELECT DISTINCT k.month
    FROM calendar k, me
    WHERE k.month >= date_trunc('month', least(me.acquired_on, (SELECT coalesce(min(month), me.acquired_on) FROM bought)))
)
SELECT m.month, coalesce(b.orders, 0)::BIGINT AS orders_count, coalesce(b.revenue, 0) AS revenue_amount
FROM months m LEFT JOIN bought b USING (month)
ORDER BY m.month
