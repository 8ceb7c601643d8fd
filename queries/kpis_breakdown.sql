-- title: Headline KPIs per region, segment and channel
-- description: One row per region, per segment and per channel with data in the current
--   selection (dimension = regions, segments or channels; value = the region, segment or
--   channel): the columns of the kpis query, with the same definitions, as if that one value
--   were selected. Costs are not split by segment: every segment row carries the cost of the
--   whole selection.
-- chart: bar x=value y=revenue_amount color=dimension
WITH movements AS (
    SELECT CASE WHEN grouping(region) = 0 THEN 'regions' WHEN grouping(segment) = 0 THEN 'segments' ELSE 'channels' END AS dimension,
           CASE WHEN grouping(region) = 0 THEN region WHEN grouping(segment) = 0 THEN segment ELSE channel END AS value,
           sum(new_count + reactivated_count - lost_count) FILTER (WHERE day < $start_date) AS active_start_count,
           sum(new_count + reactivated_count - lost_count) AS active_end_count,
           sum(new_count) FILTER (WHERE day >= $start_date) AS new_count,
           sum(reactivated_count) FILTER (WHERE day >= $start_date) AS reactivated_count,
           sum(lost_count) FILTER (WHERE day >= $start_date) AS lost_count
    FROM movements_daily
    WHERE day <= $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY GROUPING SETS ((region), (segment), (channel))
),
lost_from_start AS (
    SELECT CASE WHEN grouping(region) = 0 THEN 'regions' WHEN grouping(segment) = 0 THEN 'segments' ELSE 'channels' END AS dimension,
           CASE WHEN grouping(region) = 0 THEN region WHEN grouping(segment) = 0 THEN segment ELSE channel END AS value,
           sum(spells_count) AS lost_from_start_count
    FROM spell_ends
    WHERE end_on BETWEEN $start_date AND $end_date AND start_on < $start_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY GROUPING SETS ((region), (segment), (channel))
),
revenue AS (
    SELECT CASE WHEN grouping(region) = 0 THEN 'regions' WHEN grouping(segment) = 0 THEN 'segments' ELSE 'channels' END AS dimension,
           CASE WHEN grouping(region) = 0 THEN region WHEN grouping(segment) = 0 THEN segment ELSE channel END AS value,
           sum(revenue_amount) AS revenue_amount, sum(orders_count) AS orders_count
    FROM revenue_daily
    WHERE day BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY GROUPING SETS ((region), (segment), (channel))
),
nps AS (
    SELECT CASE WHEN grouping(region) = 0 THEN 'regions' WHEN grouping(segment) = 0 THEN 'segments' ELSE 'channels' END AS dimension,
           CASE WHEN grouping(region) = 0 THEN region WHEN grouping(segment) = 0 THEN segment ELSE channel END AS value,
           sum(nps_responses_count) AS responses_count,
           100.0 * (sum(promoters_count) - sum(detractors_count))::BIGINT
             / nullif(sum(nps_responses_count), 0)::BIGINT AS nps_score
    FROM survey_daily
    WHERE day BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY GROUPING SETS ((region), (segment), (channel))
),
costs AS (  -- no segment in costs: the grand total () stands for every segment
    SELECT CASE WHEN grouping(region) = 0 THEN 'regions' WHEN grouping(channel) = 0 THEN 'channels' ELSE 'segments' END AS dimension,
           CASE WHEN grouping(region) = 0 THEN region WHEN grouping(channel) = 0 THEN channel END AS value,
           sum((acquisition_cost + service_cost) * month_share(month, $start_date, $end_date)) AS channel_cost_amount
    FROM channel_costs
    WHERE month BETWEEN date_trunc('month', $start_date) AND $end_date
      AND in_filter($regions, region) AND in_filter($channels, channel)
    GROUP BY GROUPING SETS ((region), (channel), ())
),
slices AS (
    SELECT dimension, value FROM movements
    UNION SELECT dimension, value FROM lost_from_start
    UNION SELECT dimension, value FROM revenue
    UNION SELECT dimension, value FROM nps
    UNION SELECT dimension, value FROM costs WHERE dimension <> 'segments'
),
joined AS (
    SELECT k.dimension, k.value,
           coalesce(m.active_start_count, 0)::BIGINT AS active_start_count,
           coalesce(m.active_end_count, 0)::BIGINT AS active_end_count,
           coalesce(m.new_count, 0)::BIGINT AS new_count,
           coalesce(m.reactivated_count, 0)::BIGINT AS reactivated_count,
           coalesce(m.lost_count, 0)::BIGINT AS lost_count,
           coalesce(l.lost_from_start_count, 0)::BIGINT AS lost_from_start_count,
           coalesce(r.revenue_amount, 0) AS revenue_amount,
           coalesce(r.orders_count, 0)::BIGINT AS orders_count,
           n.nps_score,
           coalesce(n.responses_count, 0)::BIGINT AS responses_count,
           c.channel_cost_amount
    FROM slices k
    LEFT JOIN movements m USING (dimension, value)
    LEFT JOIN lost_from_start l USING (dimension, value)
    LEFT JOIN revenue r USING (dimension, value)
    LEFT JOIN nps n USING (dimension, value)
    LEFT JOIN costs c ON c.dimension = k.dimension AND (c.value = k.value OR k.dimension = 'segments')
)
SELECT dimension, value, active_start_count, active_end_count, new_count, reactivated_count, lost_count,
       lost_from_start_count / nullif(active_start_count, 0) AS churn_rate_pct,
       revenue_amount, orders_count,
       revenue_amount / nullif((active_start_count + active_end_count) / 2, 0) AS arpa_amount,
       nps_score, responses_count, channel_cost_amount
FROM joined
ORDER BY dimension, value
