-- title: Most valuable customers lost
-- description: One row per customer lost in the period (their latest loss in it), the 25
--   with the highest lifetime revenue first: segment, acquisition channel, region,
--   the loss reason ("Not recorded" = no reason given; "Inactive" = ended by the inactivity
--   window), lifetime revenue and orders (all their orders up to the end of the period),
--   tenure (days from acquisition to the loss), acquired and lost on, consent. Customer ids
--   only (names live apart from the warehouse). Channel = the channel the customer was
--   acquired through.
-- chart: table
WITH lost AS (
    SELECT s.customer_id, max(s.end_on) AS lost_on,
           arg_max(CASE WHEN s.loss_reason IS NOT NULL THEN s.loss_reason
                        WHEN s.end_on = c.lost_on THEN 'Not recorded'
                        ELSE 'Inactive' END, s.end_on) AS loss_reason
    FROM customer_spells s JOIN customers c USING (customer_id)
    WHERE s.end_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, s.region) AND in_filter($segments, s.segment) AND in_filter($channels, s.channel)
    GROUP BY s.customer_id
),
lifetime AS (
    SELECT o.customer_id, sum(o.amount) AS revenue_amount, count(*) AS orders_count
    FROM orders o JOIN lost l USING (customer_id)
    WHERE o.ordered_on <= $end_date
    GROUP BY o.customer_id
)
SELECT c.customer_id, c.segment, c.channel, c.region, l.loss_reason,
       coalesce(v.revenue_amount, 0) AS lifetime_revenue_amount,
       coalesce(v.orders_count, 0)::BIGINT AS orders_count,
       (l.lost_on - c.acquired_on)::DOUBLE AS tenure_days,
       c.acquired_on, l.lost_on, c.consent
FROM lost l
JOIN customers c USING (customer_id)
LEFT JOIN lifetime v USING (customer_id)
ORDER BY lifetime_revenue_amount DESC, c.customer_id
LIMIT 25
