-- title: Filter options
-- description: One row per value a global filter can take: dimension (regions, segments,
--   channels) and value.
SELECT DISTINCT 'regions' AS dimension, region AS value FROM customers
UNION SELECT DISTINCT 'segments', segment FROM customers
UNION SELECT DISTINCT 'channels', channel FROM customers
UNION SELECT DISTINCT 'channels', channel FROM channel_costs
UNION SELECT DISTINCT 'channels', channel FROM interactions
