-- title: Multi-channel customers per channel
-- description: One row per channel: customers served through it in the period (an
--   interaction or an order through the channel), those of them served through two or more
--   channels in the period (channel conflict), and their share. A customer served through
--   several channels counts in each of them. A last row with channel empty: every customer
--   served through any of the selected channels, counted once.
-- chart: bar x=channel y=multichannel_pct
WITH usage AS (
    SELECT customer_id, channel FROM interactions WHERE interacted_on BETWEEN $start_date AND $end_date
    UNION
    SELECT customer_id, channel FROM order_facts WHERE ordered_on BETWEEN $start_date AND $end_date
),
per_customer AS (
    SELECT u.customer_id, u.channel, count(*) OVER (PARTITION BY u.customer_id) AS channels
    FROM usage u JOIN customers c USING (customer_id)
    WHERE in_filter($regions, c.region) AND in_filter($segments, c.segment)
)
SELECT channel,
       count(DISTINCT customer_id)::BIGINT AS customers_count,
       count(DISTINCT customer_id) FILTER (WHERE channels >= 2)::BIGINT AS multichannel_count,
       count(DISTINCT customer_id) FILTER (WHERE channels >= 2) / count(DISTINCT customer_id) AS multichannel_pct
FROM per_customer
WHERE in_filter($channels, channel)
GROUP BY GROUPING SETS ((channel), ())
ORDER BY channel NULLS LAST
