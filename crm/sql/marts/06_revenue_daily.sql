-- Revenue and orders per day x region x segment x channel (the order's channel): the KPI
-- queries sum this small table instead of scanning every order.
CREATE TABLE revenue_daily AS
SELECT ordered_on AS day, region, segment, channel,
       sum(amount)       AS revenue_amount,
       count(*)::BIGINT  AS orders_count
FROM order_facts
GROUP BY ALL
ORDER BY ALL;
