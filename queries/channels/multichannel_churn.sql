-- title: Churn of single- and multi-channel customers
-- description: One row per segment and contact group, plus one per contact group for all
--   segments (segment empty). Customers active at the start of the period (by their
--   acquisition channel) are grouped by the channels they used (interactions and orders) in
--   the equally long stretch just before it: no contact, single channel, or multi-channel
--   (two or more). Churn rate = lost in the period / active at its start. Channel use is
--   measured before the period so that customers lost early do not look single-channel
--   merely for having had less time to use a second channel.
-- chart: bar x=contact_group y=churn_rate_pct color=segment
WITH lookback AS (  -- the equally long stretch just before the period
    SELECT ($start_date - ($end_date - $start_date + 1)::INTEGER) AS first_day, ($start_date - 1) AS last_day
),
at_start AS (
    SELECT customer_id, segment, coalesce(end_on <= $end_date, false) AS lost
    FROM customer_spells
    WHERE start_on < $start_date AND (end_on IS NULL OR end_on >= $start_date)
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
),
grouped AS (  -- the channels each customer used in the stretch before the period
    SELECT a.customer_id, a.segment, a.lost,
           CASE coalesce(bit_count(u.channels), 0) WHEN 0 THEN 'No contact' WHEN 1 THEN 'Single channel'
                ELSE 'Multi-channel' END AS contact_group
    FROM at_start a
    LEFT JOIN channel_use((SELECT first_day FROM lookback), (SELECT last_day FROM lookback)) u USING (customer_id)
)
SELECT segment, contact_group,
       count(*)::BIGINT AS active_start_count,
       count(*) FILTER (WHERE lost)::BIGINT AS lost_count,
       count(*) FILTER (WHERE lost) / count(*) AS churn_rate_pct
FROM grouped
GROUP BY GROUPING SETS ((contact_group), (segment, contact_group))
ORDER BY segment NULLS FIRST, CASE contact_group WHEN 'Single channel' THEN 1 WHEN 'Multi-channel' THEN 2 ELSE 3 END
