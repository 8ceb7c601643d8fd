-- title: New, reactivated and lost customers by segment, channel and region
-- description: One row per dimension (segment, channel or region) and value, for the whole
--   period: new, reactivated and lost customers and the net change. Channel = the channel
--   the customer was acquired through.
-- chart: bar x=value y=new_count,lost_count
WITH moves AS (
    SELECT * FROM movements_daily
    WHERE day BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
),
long AS (
    SELECT 'segment' AS dimension, segment AS value, new_count, reactivated_count, lost_count FROM moves
    UNION ALL
    SELECT 'channel', channel, new_count, reactivated_count, lost_count FROM moves
    UNION ALL
    SELECT 'region', region, new_count, reactivated_count, lost_count FROM moves
)
SELECT dimension, value,
       sum(new_count)::BIGINT AS new_count,
       sum(reactivated_count)::BIGINT AS reactivated_count,
       sum(lost_count)::BIGINT AS lost_count,
       sum(new_count + reactivated_count - lost_count)::BIGINT AS net_change_count
FROM long
GROUP BY dimension, value
ORDER BY dimension, value
