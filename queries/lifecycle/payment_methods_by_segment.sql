-- title: Payment methods by segment
-- description: One row per segment and payment method: orders in the period paid that way,
--   their revenue, and the method's share of the segment's orders. Channel = the channel of
--   the order.
-- chart: bar x=segment y=orders_count color=payment_method
WITH paid AS (
    SELECT segment, coalesce(payment_method, 'Unknown') AS payment_method, count(*) AS orders, sum(amount) AS revenue
    FROM order_facts
    WHERE ordered_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY ALL
)
SELECT segment, payment_method,
       orders::BIGINT AS orders_count,
       revenue AS revenue_amount,
       orders / sum(orders) OVER (PARTITION BY segment) AS share_pct
FROM paid
ORDER BY segment, payment_method
