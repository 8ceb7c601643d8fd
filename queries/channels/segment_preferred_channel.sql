-- title: Preferred channel of each segment
-- description: One row per segment: the channel its customers used most in the period (most
--   interactions; ties go to the first name), its interactions, the segment's interactions
--   through all selected channels, and the preferred channel's share of them.
-- chart: bar x=segment y=share_pct color=channel
WITH contacts AS (
    SELECT segment, channel, sum(interactions_count) AS interactions
    FROM interaction_daily
    WHERE day BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY ALL
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY segment ORDER BY interactions DESC, channel) AS rank,
           sum(interactions) OVER (PARTITION BY segment) AS segment_interactions
    FROM contacts
)
SELECT segment, channel,
       interactions::BIGINT AS interactions_count,
       segment_interactions::BIGINT AS segment_interactions_count,
       interactions / segment_interactions AS share_pct
FROM ranked
WHERE rank = 1
ORDER BY segment
