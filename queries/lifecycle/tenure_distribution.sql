-- title: Tenure of active customers
-- description: One row per tenure band and segment: customers active on the last day of the
--   period by their tenure (time from their first acquisition to the end of the period).
--   Channel = the channel the customer was acquired through.
-- chart: bar x=tenure y=customers_count color=segment
WITH bands AS (
    SELECT * FROM (VALUES (1, 'Under 1 year', 0, 365), (2, '1–2 years', 365, 730), (3, '2–3 years', 730, 1095),
                          (4, '3–5 years', 1095, 1826), (5, '5–10 years', 1826, 3652),
                          (6, '10 years or more', 3652, 1000000)) AS b(band_no, tenure, from_days, to_days)
),
active AS (
    SELECT DISTINCT customer_id, segment FROM customer_spells
    WHERE start_on <= $end_date AND (end_on IS NULL OR end_on > $end_date)
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
),
tenures AS (
    SELECT a.segment, $end_date - c.acquired_on AS tenure_days
    FROM active a JOIN customers c USING (customer_id)
)
SELECT b.band_no, b.tenure, t.segment, count(*)::BIGINT AS customers_count
FROM tenures t JOIN bands b ON t.tenure_days >= b.from_days AND t.tenure_days < b.to_days
GROUP BY ALL
ORDER BY b.band_no, t.segment
