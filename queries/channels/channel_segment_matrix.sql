-- title: Channel x segment matrix
-- description: One row per channel and segment with any use in the period: interactions
--   through the channel with the segment's customers, customers of the segment served
--   through it (an interaction or an order through the channel), and revenue of the orders
--   placed through it. A customer served through several channels counts in each of them.
-- chart: heatmap x=segment y=channel color=interactions_count
WITH contacts AS (
    SELECT channel, segment, sum(interactions_count) AS interactions
    FROM interaction_daily
    WHERE day BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY ALL
),
revenue AS (
    SELECT channel, segment, sum(amount) AS revenue
    FROM order_facts
    WHERE ordered_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY ALL
),
served AS (
    SELECT u.channel, c.segment, count(DISTINCT u.customer_id) AS customers
    FROM (
        SELECT channel, customer_id FROM interactions WHERE interacted_on BETWEEN $start_date AND $end_date
        UNION ALL
        SELECT channel, customer_id FROM order_facts WHERE ordered_on BETWEEN $start_date AND $end_date
    ) u JOIN customers c USING (customer_id)
    WHERE in_filter($regions, c.region) AND in_filter($segments, c.segment) AND in_filter($channels, u.channel)
    GROUP BY ALL
)
SELECT channel, segment,
       coalesce(interactions, 0)::BIGINT AS interactions_count,
       coalesce(customers, 0)::BIGINT AS customers_count,
       coalesce(revenue, 0) AS revenue_amount
FROM served FULL JOIN contacts USING (channel, segment) FULL JOIN revenue USING (channel, segment)
ORDER BY channel, segment
