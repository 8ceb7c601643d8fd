-- title: Win-backs by time away
-- description: One row per band of time away (under 3 months, 3-6 months, 6-12 months,
--   1-2 years, 2 years or more): lost customers who came back in the period, by how long
--   they had been away (from the end of their previous spell to their return), and their
--   share of all win-backs. Channel = the channel of the order that brought them back.
-- chart: bar x=time_away y=win_backs_count
WITH bands AS (
    SELECT * FROM (VALUES (1, 'Under 3 months', 0, 91), (2, '3–6 months', 91, 183),
                          (3, '6–12 months', 183, 365), (4, '1–2 years', 365, 730),
                          (5, '2 years or more', 730, 1000000)) AS b(band_no, time_away, from_days, to_days)
),
spells AS (
    SELECT *, lag(end_on) OVER (PARTITION BY customer_id ORDER BY spell_no) AS previous_end_on
    FROM customer_spells
),
win_backs AS (
    SELECT s.start_on - s.previous_end_on AS days_away,
           coalesce((SELECT arg_min(o.channel, o.order_id) FROM orders o
                     WHERE o.customer_id = s.customer_id AND o.ordered_on = s.start_on), s.channel) AS channel
    FROM spells s
    WHERE s.is_reactivation AND s.start_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, s.region) AND in_filter($segments, s.segment)
),
counted AS (
    SELECT b.band_no, b.time_away, count(w.days_away) AS win_backs_count
    FROM bands b
    LEFT JOIN win_backs w ON w.days_away >= b.from_days AND w.days_away < b.to_days
                          AND in_filter($channels, w.channel)
    GROUP BY b.band_no, b.time_away
)
SELECT band_no, time_away,
       win_backs_count::BIGINT AS win_backs_count,
       win_backs_count / nullif(sum(win_backs_count) OVER (), 0) AS share_pct
FROM counted
ORDER BY band_no
