-- title: Cumulative revenue curve (Pareto)
-- description: One row per percentile of customers ranked by revenue in the period, most
--   revenue first (at most 101 points, starting at 0): the share of customers so far and the
--   share of all revenue they bring. The diagonal would mean every customer brings the same.
--   Customers = those with at least one order in the period. Channel = the channel of the order.
-- chart: line x=customers_share_pct y=revenue_share_pct
WITH revenue AS (
    SELECT customer_id, sum(amount) AS revenue
    FROM order_facts
    WHERE ordered_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY customer_id
),
ranked AS (
    SELECT row_number() OVER (ORDER BY revenue DESC, customer_id) AS rank_no,
           count(*) OVER () AS customers,
           sum(revenue) OVER (ORDER BY revenue DESC, customer_id ROWS UNBOUNDED PRECEDING) AS cumulative,
           sum(revenue) OVER () AS total
    FROM revenue
),
points AS (  -- the last customer of each percentile
    SELECT rank_no / customers AS customers_share_pct, cumulative / nullif(total, 0) AS revenue_share_pct
    FROM ranked
    QUALIFY rank_no = max(rank_no) OVER (PARTITION BY ceil(100.0 * rank_no / customers))
)
SELECT 0.0 AS customers_share_pct, 0.0 AS revenue_share_pct WHERE EXISTS (SELECT 1 FROM revenue)
UNION ALL
SELECT customers_share_pct, revenue_share_pct FROM points
ORDER BY customers_share_pct
