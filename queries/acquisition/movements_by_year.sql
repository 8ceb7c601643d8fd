-- title: Customers won and lost per year and segment
-- description: One row per calendar year overlapping the period (the first and last years
--   clipped to it) and segment: new, reactivated and lost customers and the net change.
--   Choose "All time" to see every year. Channel = the channel the customer was acquired
--   through.
-- chart: bar x=year y=new_count,lost_count
SELECT year(day)::INTEGER AS year,
       segment,
       sum(new_count)::BIGINT AS new_count,
       sum(reactivated_count)::BIGINT AS reactivated_count,
       sum(lost_count)::BIGINT AS lost_count,
       sum(new_count + reactivated_count - lost_count)::BIGINT AS net_change_count
FROM movements_daily
WHERE day BETWEEN $start_date AND $end_date
  AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
GROUP BY ALL
ORDER BY year DESC, segment
