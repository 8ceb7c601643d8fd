-- title: Churn rate by payment method
-- description: One row per payment method: customers active at the start of the period by
--   the method they paid most of their orders with up to the end of the period (ties: the
--   method used last; "No orders" when they had none), those of them lost in the period, and
--   the churn rate = lost among those active at the start / active at the start. Channel =
--   the channel the customer was acquired through.
-- chart: bar x=payment_method y=churn_rate_pct
WITH active_start AS (
    SELECT customer_id, end_on FROM customer_spells
    WHERE start_on < $start_date AND (end_on IS NULL OR end_on >= $start_date)
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
),
methods AS (
    SELECT customer_id, payment_method, count(*) AS orders, max(ordered_on) AS last_used_on
    FROM orders
    WHERE ordered_on <= $end_date AND payment_method IS NOT NULL
    GROUP BY ALL
),
main_method AS (
    SELECT customer_id, arg_max(payment_method, (orders, last_used_on, payment_method)) AS payment_method
    FROM methods GROUP BY customer_id
)
SELECT coalesce(m.payment_method, 'No orders') AS payment_method,
       count(*)::BIGINT AS active_start_count,
       count(*) FILTER (WHERE a.end_on <= $end_date)::BIGINT AS lost_count,
       count(*) FILTER (WHERE a.end_on <= $end_date) / count(*) AS churn_rate_pct
FROM active_start a LEFT JOIN main_method m USING (customer_id)
GROUP BY ALL
ORDER BY churn_rate_pct DESC, payment_method
