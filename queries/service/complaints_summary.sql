-- title: Complaints
-- description: One row for the complaints received in the period, in their state on the
--   as-of date: received, answered (a first response is recorded), resolved (a resolution
--   is recorded), rewarded, and their shares of received; first response time (hours) and
--   resolution time (days, from receipt) of those answered / resolved: median and 90th
--   percentile; the shares answered and resolved within the service level. Service levels
--   (set below, in service_level): first response within 24 hours, resolution within 5 days
--   of receipt. A complaint whose deadline has not passed on the as-of date and that is not
--   yet answered (resolved) counts in neither part of its share. Backlog = complaints,
--   received whenever, that were not resolved at the end of the period's last day. Region
--   and segment: the customer's; channel: the complaint's.
WITH service_level AS (
    SELECT 24 AS response_within_hours, 5 AS resolution_within_days
),
as_of AS (  -- the end of the as-of day: deadlines after it have not passed yet
    SELECT (as_of + INTERVAL 1 DAY)::TIMESTAMP AS ends_at FROM warehouse_info
),
selected AS (
    SELECT k.*,
           epoch(k.first_response_at - k.received_at) / 3600 AS response_hours,
           epoch(k.resolved_at - k.received_at) / 86400 AS resolution_days
    FROM complaint_facts k
    WHERE in_filter($regions, k.region) AND in_filter($segments, k.segment) AND in_filter($channels, k.channel)
),
received AS (
    SELECT s.*,
           s.first_response_at IS NOT NULL
             OR s.received_at + to_hours(l.response_within_hours) <= a.ends_at AS response_due,
           s.resolved_at IS NOT NULL
             OR s.received_at + to_days(l.resolution_within_days) <= a.ends_at AS resolution_due,
           s.response_hours <= l.response_within_hours AS answered_in_time,
           s.resolution_days <= l.resolution_within_days AS resolved_in_time
    FROM selected s, service_level l, as_of a
    WHERE s.received_at >= $start_date AND s.received_at < $end_date + 1
),
backlog AS (
    SELECT count(*) AS backlog FROM selected
    WHERE received_at < $end_date + 1 AND (resolved_at IS NULL OR resolved_at >= $end_date + 1)
)
SELECT
    count(*)::BIGINT AS received_count,
    count(first_response_at)::BIGINT AS answered_count,
    count(resolved_at)::BIGINT AS resolved_count,
    count(*) FILTER (WHERE rewarded)::BIGINT AS rewarded_count,
    count(first_response_at) / nullif(count(*), 0) AS answered_pct,
    count(resolved_at) / nullif(count(*), 0) AS resolved_pct,
    count(*) FILTER (WHERE rewarded) / nullif(count(*), 0) AS rewarded_pct,
    median(response_hours) AS first_response_median_hours,
    quantile_cont(response_hours, 0.9) AS first_response_p90_hours,
    median(resolution_days) AS resolution_median_days,
    quantile_cont(resolution_days, 0.9) AS resolution_p90_days,
    count(*) FILTER (WHERE answered_in_time) / nullif(count(*) FILTER (WHERE response_due), 0) AS answered_in_time_pct,
    count(*) FILTER (WHERE resolved_in_time) / nullif(count(*) FILTER (WHERE resolution_due), 0) AS resolved_in_time_pct,
    any_value(b.backlog)::BIGINT AS backlog_count,
    any_value(l.response_within_hours) AS response_within_hours,
    any_value(l.resolution_within_days) AS resolution_within_days
FROM received, backlog b, service_level l
