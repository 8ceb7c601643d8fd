-- title: Moves between channels
-- description: One row per pair of channels (channel -> next_channel): how often a
--   customer's next interaction in the period came through next_channel after one through
--   channel (same day: in order of interaction id), and the share of all next interactions
--   after one through channel. Pairs touching a selected channel are kept; shares are
--   worked out over all channels.
-- chart: heatmap x=next_channel y=channel color=share_pct
WITH contacts AS (
    SELECT i.customer_id, i.channel,
           lead(i.channel) OVER (PARTITION BY i.customer_id ORDER BY i.interacted_on, i.interaction_id) AS next_channel
    FROM interactions i JOIN customers c USING (customer_id)
    WHERE i.interacted_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, c.region) AND in_filter($segments, c.segment)
),
pairs AS (
    SELECT channel, next_channel, count(*) AS transitions,
           count(*) / sum(count(*)) OVER (PARTITION BY channel) AS share
    FROM contacts
    WHERE next_channel IS NOT NULL
    GROUP BY channel, next_channel
)
SELECT channel, next_channel, transitions::BIGINT AS transitions_count, share AS share_pct
FROM pairs
WHERE in_filter($channels, channel) OR in_filter($channels, next_channel)
ORDER BY channel, next_channel
