-- One row per day from the first date in the data to the as-of date.
CREATE TABLE calendar AS
SELECT
    day::DATE                          AS day,
    date_trunc('week', day)::DATE      AS week,
    date_trunc('month', day)::DATE     AS month,
    date_trunc('quarter', day)::DATE   AS quarter,
    date_trunc('year', day)::DATE      AS year
FROM (
    SELECT unnest(generate_series(data_start_on, as_of, INTERVAL 1 DAY)) AS day
    FROM warehouse_info
);
