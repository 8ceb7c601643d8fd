-- title: Active spells of a customer
-- description: One row per active spell of the customer $customer (none when their region is
--   not among the selected regions): spell number, reactivation or first spell, start, end
--   (NULL = still active), last order of the spell, loss reason, and spell_days = days from
--   the start to the end (through the as-of date for an open spell). Whole history.
-- chart: table
-- param: customer text * Customer id
SELECT s.spell_no, s.is_reactivation, s.start_on, s.end_on, s.last_order_on, s.loss_reason,
       (coalesce(s.end_on, w.as_of + 1) - s.start_on)::DOUBLE AS spell_days
FROM customer_spells s CROSS JOIN warehouse_info w
WHERE s.customer_id = $customer AND in_filter($regions, s.region)
ORDER BY s.spell_no
