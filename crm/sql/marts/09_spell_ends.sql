-- Spells that ended, per end day x start day x region x segment x channel, sorted by end
-- day: "lost among those active at the start" reads only the ends inside the period.
CREATE TABLE spell_ends AS
SELECT end_on, start_on, region, segment, channel, count(*)::BIGINT AS spells_count
FROM customer_spells
WHERE end_on IS NOT NULL
GROUP BY ALL
ORDER BY end_on, start_on;
