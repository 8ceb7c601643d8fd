-- One bit per channel (at most 64), so that a customer's set of channels is one number.
CREATE TABLE channel_bits AS
SELECT value AS channel,
       CASE WHEN n <= 64 THEN (n - 1)::INTEGER
            ELSE error('channel_bits: more than 64 distinct channels') END AS bit
FROM (SELECT value, row_number() OVER (ORDER BY value) AS n FROM filter_values WHERE dimension = 'channels');

-- channel_use(first_day, last_day): one row per customer served in [first_day, last_day] (an
-- interaction or an order), with the channels they used as a bit mask over channel_bits:
-- bit_count(channels) of them; channel b among them when (channels >> b.bit) & 1 = 1. Counting
-- customers per channel this way needs no DISTINCT over millions of rows.
CREATE MACRO channel_use(first_day, last_day) AS TABLE
SELECT u.customer_id, bit_or((1::UBIGINT) << b.bit) AS channels
FROM (SELECT customer_id, channel FROM interactions WHERE interacted_on BETWEEN first_day AND last_day
      UNION ALL
      SELECT customer_id, channel FROM order_facts WHERE ordered_on BETWEEN first_day AND last_day) u
JOIN channel_bits b USING (channel)
GROUP BY u.customer_id;
