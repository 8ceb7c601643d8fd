-- title: Customer profile
-- description: One row for the customer $customer when their region is among the selected
--   regions (no row otherwise): consent (name and e-mail live apart from the warehouse),
--   segment, region, country, city, channel the customer was acquired through, parent
--   (household head or parent company), acquired on, the recorded loss and its reason, and
--   at the end of the period: status (Active or Lost), spells and reactivations so far,
--   lifetime revenue and orders (all orders up to the end of the period), first and last
--   order, and active_days_count (days in active spells up to the end of the period).
-- chart: table
-- param: customer text * Customer id
WITH me AS (
    SELECT * FROM customers WHERE customer_id = $customer AND in_filter($regions, region)
),
spells AS (
    SELECT count(*) FILTER (WHERE start_on <= $end_date) AS spells,
           count(*) FILTER (WHERE is_reactivation AND start_on <= $end_date) AS reactivations,
           bool_or(start_on <= $end_date AND (end_on IS NULL OR end_on > $end_date)) AS active_at_end,
           sum(least(coalesce(end_on, $end_date + 1), $end_date + 1) - start_on)
             FILTER (WHERE start_on <= $end_date) AS tenure_days
    FROM customer_spells WHERE customer_id = $customer
),
bought AS (
    SELECT sum(amount) AS revenue, count(*) AS orders, min(ordered_on) AS first_order_on,
           max(ordered_on) AS last_order_on
    FROM orders WHERE customer_id = $customer AND ordered_on <= $end_date
)
SELECT m.customer_id, m.consent, m.segment, m.region, m.country, m.city, m.channel,
       m.parent_customer_id, m.acquired_on,
       CASE WHEN m.lost_on <= $end_date THEN m.lost_on END AS lost_on,
       CASE WHEN m.lost_on <= $end_date THEN m.loss_reason END AS loss_reason,
       CASE WHEN s.active_at_end THEN 'Active' ELSE 'Lost' END AS status,
       coalesce(s.spells, 0)::BIGINT AS spells_count,
       coalesce(s.reactivations, 0)::BIGINT AS reactivations_count,
       coalesce(b.revenue, 0) AS lifetime_revenue_amount,
       coalesce(b.orders, 0)::BIGINT AS orders_count,
       b.first_order_on, b.last_order_on,
       s.tenure_days::BIGINT AS active_days_count
FROM me m, spells s, bought b
