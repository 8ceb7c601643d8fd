-- title: Warehouse build
-- description: One row describing the warehouse being served: where its data came from
--   (source: demo or "import: <folder>"), when it was built (UTC), the first day of the order
--   history, the as-of date (the latest date in the data) and the inactivity window in days
--   (empty when only an explicit lost_on ends a spell).
-- chart: table
SELECT source,
       built_at,
       data_start_on,
       as_of AS as_of_on,
       inactive_after_days
FROM warehouse_info
