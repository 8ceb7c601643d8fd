-- title: Multi-channel customers per channel
-- description: One row per channel: customers served through it in the period (an
--   interaction or an order through the channel), those of them served through two or more
--   channels in the period (channel conflict), and their share. A customer served through
--   several channels counts in each of them. A last row with channel empty: every customer
--   served through any of the selected channels, counted once.
-- chart: bar x=channel y=multichannel_pct
WITH kept AS (  -- customers of the selected regions and segments served in the period, their channels
    SELECT u.channels FROM channel_use($start_date, $end_date) u JOIN customers c USING (customer_id)
    WHERE in_filter($regions, c.region) AND in_filter($segments, c.segment)
),
per_channel AS (
    SELECT b.channel, count(*) AS customers, count(*) FILTER (WHERE bit_count(k.channels) >= 2) AS multichannel
    FROM kept k JOIN channel_bits b ON (k.channels >> b.bit) & 1 = 1
    WHERE in_filter($channels, b.channel)
    GROUP BY b.channel
),
all_selected AS (  -- customers served through any selected channel, once each
    SELECT NULL AS channel, count(*) AS customers, count(*) FILTER (WHERE bit_count(k.channels) >= 2) AS multichannel
    FROM kept k, (SELECT bit_or((1::UBIGINT) << bit) AS mask FROM channel_bits WHERE in_filter($channels, channel)) s
    WHERE k.channels & s.mask <> 0
)
SELECT channel,
       customers::BIGINT AS customers_count,
       multichannel::BIGINT AS multichannel_count,
       multichannel / customers AS multichannel_pct
FROM (SELECT * FROM per_channel UNION ALL SELECT * FROM all_selected WHERE customers > 0)
ORDER BY channel NULLS LAST
