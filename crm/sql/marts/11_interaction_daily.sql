-- Interactions per day x region x segment (the customer's) x channel x kind (the interaction's):
-- the channel pages count contacts from this small table instead of joining 40M interactions
-- to the customers on every query.
CREATE TABLE interaction_daily AS
SELECT i.interacted_on AS day, c.region, c.segment, i.channel, i.kind,
       count(*)::BIGINT AS interactions_count
FROM interactions i JOIN customers c USING (customer_id)
GROUP BY ALL
ORDER BY ALL;
