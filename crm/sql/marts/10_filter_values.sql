-- One row per value a global filter can take (dimension = regions, segments, channels):
-- computed once here, because channels also come from the large interactions and orders tables.
CREATE TABLE filter_values AS
SELECT DISTINCT 'regions' AS dimension, region AS value FROM customers
UNION SELECT DISTINCT 'segments', segment FROM customers
UNION SELECT DISTINCT 'channels', channel FROM customers
UNION SELECT DISTINCT 'channels', channel FROM channel_costs
UNION SELECT DISTINCT 'channels', channel FROM interactions
UNION SELECT DISTINCT 'channels', channel FROM order_facts
ORDER BY ALL;
