-- title: Revenue per month
-- description: One row per calendar month overlapping the period (the first and last
--   months clipped to the period): revenue (sum of order amounts), orders, and distinct
--   customers who ordered. Channel = the channel of the order.
-- chart: line x=month y=revenue_amount
WITH months AS (
    SELECT month FROM calendar WHERE day BETWEEN $start_date AND $end_date GROUP BY month
),
revenue AS (
    SELECT date_trunc('month', day)::DATE AS month, sum(revenue_amount) AS revenue_amount,
           sum(orders_count) AS orders_count
    FROM revenue_daily
    WHERE day BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY ALL
),
whole_month_customers AS (  -- months inside the period: from the customer_months mart
    SELECT month, sum(customers_count) AS customers_count
    FROM customer_months
    WHERE month >= $start_date AND last_day(month) <= $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment)
      AND (len($channels) = 0 OR list_has_any(channels, $channels))
    GROUP BY month
),
cut_month_customers AS (  -- the first and last month when the period cuts them: from the orders
    SELECT date_trunc('month', ordered_on)::DATE AS month, count(DISTINCT customer_id) AS customers_count
    FROM order_facts
    WHERE ordered_on BETWEEN $start_date AND least(last_day($start_date), $end_date)
      AND NOT (day($start_date) = 1 AND last_day($start_date) <= $end_date)
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY ALL
    UNION ALL
    SELECT date_trunc('month', ordered_on)::DATE, count(DISTINCT customer_id)
    FROM order_facts
    WHERE ordered_on BETWEEN date_trunc('month', $end_date) AND $end_date
      AND $end_date < last_day($end_date) AND date_trunc('month', $end_date) > $start_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY ALL
),
customers AS (
    SELECT * FROM whole_month_customers UNION ALL SELECT * FROM cut_month_customers
)
SELECT m.month,
       coalesce(r.revenue_amount, 0) AS revenue_amount,
       coalesce(r.orders_count, 0)::BIGINT AS orders_count,
       coalesce(c.customers_count, 0)::BIGINT AS customers_count
FROM months m
LEFT JOIN revenue r USING (month)
LEFT JOIN customers c USING (month)
ORDER BY m.month
