-- title: Why customers leave (Pareto of loss reasons)
-- description: One row per loss reason of the customers lost in the period, most frequent
--   first: lost customers, their share of all losses and the cumulative share (the Pareto
--   curve). "Not recorded" = a recorded loss without a reason; "Inactive" = the spell ended
--   by the inactivity window (no order for N days). Channel = the channel the customer was
--   acquired through.
-- chart: bar x=reason y=lost_count
WITH lost AS (
    SELECT CASE WHEN s.loss_reason IS NOT NULL THEN s.loss_reason
                WHEN s.end_on = c.lost_on THEN 'Not recorded'
                ELSE 'Inactive' END AS reason
    FROM customer_spells s JOIN customers c USING (customer_id)
    WHERE s.end_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, s.region) AND in_filter($segments, s.segment) AND in_filter($channels, s.channel)
),
counted AS (
    SELECT reason, count(*) AS lost_count FROM lost GROUP BY reason
)
SELECT row_number() OVER (ORDER BY lost_count DESC, reason)::BIGINT AS rank_no,
       reason,
       lost_count::BIGINT AS lost_count,
       lost_count / sum(lost_count) OVER () AS share_pct,
       sum(lost_count) OVER (ORDER BY lost_count DESC, reason ROWS UNBOUNDED PRECEDING)
         / sum(lost_count) OVER () AS cumulative_share_pct
FROM counted
ORDER BY rank_no
