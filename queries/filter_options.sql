-- title: Filter options
-- description: One row per value a global filter can take: dimension (regions, segments,
--   channels) and value. Read from the filter_values mart, computed when the warehouse is
--   built (channels also come from the large interactions table).
SELECT dimension, value FROM filter_values
