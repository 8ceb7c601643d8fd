-- title: Win-backs by the channel they came back through
-- description: One row per channel: lost customers who came back in the period (a later
--   spell starting in it: a reactivation), through the channel of the order that brought
--   them back, and how long they had been away (days from the end of their previous spell
--   to their return; the median). Channel = the channel of that returning order.
-- chart: bar x=channel y=win_backs_count
WITH spells AS (
    SELECT *, lag(end_on) OVER (PARTITION BY customer_id ORDER BY spell_no) AS previous_end_on
    FROM customer_spells
),
win_backs AS (
    SELECT s.customer_id, s.start_on, s.start_on - s.previous_end_on AS days_away,
           coalesce((SELECT arg_min(o.channel, o.order_id) FROM orders o
                     WHERE o.customer_id = s.customer_id AND o.ordered_on = s.start_on), s.channel) AS channel
    FROM spells s
    WHERE s.is_reactivation AND s.start_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, s.region) AND in_filter($segments, s.segment)
)
SELECT channel,
       count(*)::BIGINT AS win_backs_count,
       median(days_away)::DOUBLE AS median_days_away_days
FROM win_backs
WHERE in_filter($channels, channel)
GROUP BY channel
ORDER BY win_backs_count DESC, channel
