-- title: Purchase frequency x order value (RFM grid)
-- description: One row per segment, frequency band (orders in the period: 1, 2–3, 4–6, 7–12,
--   13 or more) and average order value band (under 100, 100–250, 250–500, 500–1,000, 1,000
--   or more): customers who ordered in the period, their share of the segment's customers
--   who ordered, and their revenue. Channel = the channel of the order.
-- chart: heatmap x=frequency y=order_value color=customers_count
WITH frequency_bands AS (
    SELECT * FROM (VALUES (1, '1 order', 1, 2), (2, '2–3', 2, 4), (3, '4–6', 4, 7), (4, '7–12', 7, 13),
                          (5, '13 or more', 13, 1000000000)) AS f(frequency_no, frequency, from_orders, to_orders)
),
value_bands AS (
    SELECT * FROM (VALUES (1, 'Under 100', 0, 100), (2, '100–250', 100, 250), (3, '250–500', 250, 500),
                          (4, '500–1,000', 500, 1000), (5, '1,000 or more', 1000, 1e18))
           AS v(order_value_no, order_value, from_amount, to_amount)
),
buyers AS (
    SELECT segment, customer_id, count(*) AS orders, sum(amount) AS revenue, avg(amount) AS order_value
    FROM order_facts
    WHERE ordered_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY segment, customer_id
)
SELECT b.segment, f.frequency_no, f.frequency, v.order_value_no, v.order_value,
       count(*)::BIGINT AS customers_count,
       count(*) / sum(count(*)) OVER (PARTITION BY b.segment) AS share_pct,
       sum(b.revenue) AS revenue_amount
FROM buyers b
JOIN frequency_bands f ON b.orders >= f.from_orders AND b.orders < f.to_orders
JOIN value_bands v ON b.order_value >= v.from_amount AND b.order_value < v.to_amount
GROUP BY b.segment, f.frequency_no, f.frequency, v.order_value_no, v.order_value
ORDER BY b.segment, f.frequency_no, v.order_value_no
