-- title: Interactions per customer
-- description: One row: interactions (sales, service and marketing contacts) in the period,
--   the average of the customers active at its start and end, and interactions per customer
--   = interactions / that average. Region and segment: the customer's; the channel filter
--   applies to the interactions' own channel only (customers are counted in every channel).
WITH spells AS (
    SELECT start_on, end_on FROM customer_spells
    WHERE in_filter($regions, region) AND in_filter($segments, segment)
),
active AS (
    SELECT count(*) FILTER (WHERE start_on < $start_date AND (end_on IS NULL OR end_on >= $start_date)) AS at_start,
           count(*) FILTER (WHERE start_on <= $end_date AND (end_on IS NULL OR end_on > $end_date)) AS at_end
    FROM spells
),
contacts AS (
    SELECT coalesce(sum(interactions_count), 0) AS interactions
    FROM interaction_daily
    WHERE day BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
)
SELECT n.interactions::BIGINT AS interactions_count,
       (a.at_start + a.at_end) / 2 AS average_active_count,
       n.interactions / nullif((a.at_start + a.at_end) / 2, 0) AS interactions_per_customer_count
FROM active a, contacts n
