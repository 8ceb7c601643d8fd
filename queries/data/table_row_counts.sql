-- title: Rows per table
-- description: One row per table of the warehouse: base tables (the import contract) and
--   marts (built from them), with the number of rows each holds.
-- chart: bar x=table_name y=rows_count color=kind
SELECT kind, table_name, rows_count::BIGINT AS rows_count FROM (
    SELECT 1 AS position, 'base table' AS kind, 'customers' AS table_name, count(*) AS rows_count FROM customers
    UNION ALL SELECT 2, 'base table', 'leads', count(*) FROM leads
    UNION ALL SELECT 3, 'base table', 'orders', count(*) FROM orders
    UNION ALL SELECT 4, 'base table', 'interactions', count(*) FROM interactions
    UNION ALL SELECT 5, 'base table', 'channel_costs', count(*) FROM channel_costs
    UNION ALL SELECT 6, 'base table', 'complaints', count(*) FROM complaints
    UNION ALL SELECT 7, 'base table', 'surveys', count(*) FROM surveys
    UNION ALL SELECT 8, 'base table', 'staff', count(*) FROM staff
    UNION ALL SELECT 9, 'base table', 'training', count(*) FROM training
    UNION ALL SELECT 10, 'base table', 'targets', count(*) FROM targets
    UNION ALL SELECT 11, 'mart', 'calendar', count(*) FROM calendar
    UNION ALL SELECT 12, 'mart', 'customer_spells', count(*) FROM customer_spells
    UNION ALL SELECT 13, 'mart', 'movements_daily', count(*) FROM movements_daily
    UNION ALL SELECT 14, 'mart', 'order_facts', count(*) FROM order_facts
)
ORDER BY position
