-- title: Warnings of the import
-- description: One row per warning of the import that built the warehouse being served
--   (none for the demo): the file, the row (in a CSV file the header is row 1; for a warning
--   about many rows, the first of them), the column, the value and what was noticed. Warnings
--   did not stop the import: unknown channels, future dates, defaults applied, ignored columns.
-- chart: table
SELECT file_name, row_number, column_name, value, message
FROM import_log
ORDER BY file_name, row_number NULLS FIRST, column_name
