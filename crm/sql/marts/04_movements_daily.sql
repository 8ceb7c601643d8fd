-- One row per day x region x segment x channel with spells starting (new, reactivated)
-- and ending (lost) that day. Active customers on day d = all starts before d - all ends before d.
CREATE TABLE movements_daily AS
WITH starts AS (
    SELECT start_on AS day, region, segment, channel,
           count(*) FILTER (WHERE NOT is_reactivation) AS new_count,
           count(*) FILTER (WHERE is_reactivation)     AS reactivated_count,
           0 AS lost_count
    FROM customer_spells GROUP BY ALL
),
ends AS (
    SELECT end_on AS day, region, segment, channel, 0, 0, count(*)
    FROM customer_spells WHERE end_on IS NOT NULL GROUP BY ALL
)
SELECT day, region, segment, channel,
       sum(new_count)::BIGINT AS new_count,
       sum(reactivated_count)::BIGINT AS reactivated_count,
       sum(lost_count)::BIGINT AS lost_count
FROM (SELECT * FROM starts UNION ALL SELECT * FROM ends)
GROUP BY ALL
ORDER BY day, region, segment, channel;
