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
    SELECT channel, segment, sum(revenue_amount) AS revenue
    FROM revenue_daily
    WHERE day BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY ALL
),
served AS (  -- a customer counts once in each channel they used (channel_use: bit masks, no DISTINCT)
    SELECT b.channel, c.segment, count(*) AS customers
    FROM channel_use($start_date, $end_date) u
    JOIN customers c USING (customer_id)
    JOIN channel_bits b ON (u.channels >> b.bit) & 1 = 1
    WHERE in_filter($regions, c.region) AND in_filter($segments, c.segment) AND in_filter($channels, b.channel)
    GROUP BY ALL
)
SELECT channel, segment,
       coalesce(interactions, 0)::BIGINT AS interactions_count,
       coalesce(customers, 0)::BIGINT AS customers_count,
       coalesce(revenue, 0) AS revenue_amount
FROM served FULL JOIN contacts USING (channel, segment) FULL JOIN revenue USING (channel, segment)
ORDER BY channel, segment
