-- title: Pareto share: revenue from the top 20 % of customers
-- description: One row for the whole period: customers with at least one order in it (n),
--   the revenue of the top 20 % of them (the ceil(0.2 x n) customers with the most revenue
--   in the period; ties broken by customer id), all revenue, and the top 20 %'s share of it.
--   Channel = the channel of the order.
WITH revenue AS (
    SELECT customer_id, sum(amount) AS revenue
    FROM order_facts
    WHERE ordered_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY customer_id
),
ranked AS (
    SELECT revenue,
           row_number() OVER (ORDER BY revenue DESC, customer_id) AS rank_no,
           count(*) OVER () AS customers
    FROM revenue
)
SELECT count(*)::BIGINT AS customers_count,
       coalesce(sum(revenue) FILTER (WHERE rank_no <= ceil(0.2 * customers)), 0) AS top20_revenue_amount,
       coalesce(sum(revenue), 0) AS revenue_amount,
       sum(revenue) FILTER (WHERE rank_no <= ceil(0.2 * customers)) / nullif(sum(revenue), 0) AS top20_share_pct
FROM ranked
