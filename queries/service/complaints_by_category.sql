-- title: Complaints by category
-- description: One row per complaint category, for the complaints received in the period in
--   their state on the as-of date: received, answered (a first response is recorded),
--   resolved, rewarded; median first response time (hours) and resolution time (days, from
--   receipt). Region and segment: the customer's; channel: the complaint's.
-- chart: bar x=category y=received_count,answered_count,resolved_count,rewarded_count
SELECT k.category,
       count(*)::BIGINT AS received_count,
       count(k.first_response_at)::BIGINT AS answered_count,
       count(k.resolved_at)::BIGINT AS resolved_count,
       count(*) FILTER (WHERE k.rewarded)::BIGINT AS rewarded_count,
       median(epoch(k.first_response_at - k.received_at) / 3600) AS first_response_median_hours,
       median(epoch(k.resolved_at - k.received_at) / 86400) AS resolution_median_days
FROM complaint_facts k
WHERE k.received_at >= $start_date AND k.received_at < $end_date + 1
  AND in_filter($regions, k.region) AND in_filter($segments, k.segment) AND in_filter($channels, k.channel)
GROUP BY k.category
ORDER BY received_count DESC, k.category
