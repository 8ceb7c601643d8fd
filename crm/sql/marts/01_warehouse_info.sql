-- One row describing this warehouse build. The as-of date is the latest date in the
-- data (not today), so historical exports show their own "now".
CREATE TABLE warehouse_info AS
SELECT
    $source::VARCHAR                 AS source,
    $built_at::TIMESTAMP             AS built_at,
    $inactive_after_days::INTEGER    AS inactive_after_days,
    $marts_version::VARCHAR          AS marts_version,  -- which mart definitions built it
    -- First day of the order history ("all time"); acquisitions may reach further back.
    coalesce(
        (SELECT min(ordered_on) FROM orders),
        (SELECT min(acquired_on) FROM customers)
    )                                AS data_start_on,
    greatest(
        (SELECT max(acquired_on) FROM customers),
        (SELECT max(lost_on) FROM customers),
        (SELECT max(ordered_on) FROM orders),
        (SELECT max(interacted_on) FROM interactions),
        (SELECT max(received_at)::DATE FROM complaints),
        (SELECT max(answered_on) FROM surveys)
    )                                AS as_of;
