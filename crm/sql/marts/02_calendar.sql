-- One row per day from the first acquisition or order to the as-of date.
CREATE TABLE calendar AS
SELECT
    day::DATE                          AS day,
    date_trunc('week', day)::DATE      AS week,
    date_trunc('month', day)::DATE     AS month,
    date_trunc('quarter', day)::DATE   AS quarter,
    date_trunc('year', day)::DATE      AS year
FROM (
    SELECT unnest(generate_series(
        least(data_start_on, (SELECT min(acquired_on) FROM customers)), as_of, INTERVAL 1 DAY)) AS day
    FROM warehouse_info
);
