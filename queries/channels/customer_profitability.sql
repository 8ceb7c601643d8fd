-- title: Cost to serve and profitability
-- description: One row per segment (channel empty) and one per channel of acquisition
--   (segment empty), over the customers with revenue, interactions or an acquisition in the
--   period. Each customer's profit = revenue x margin - cost to serve - acquisition cost.
--   Cost to serve: the service cost of each channel and region in the period (a month's
--   cost spread evenly over its days) shared among its interactions in the period, so a
--   customer bears its share of its interactions. Acquisition cost: for customers acquired
--   in the period, the CAC of their acquisition channel in their region. Margin is the
--   `margin` setting. Costs of a channel and region without interactions (or new customers)
--   cannot be allocated and are left out. Unprofitable = customers whose profit is below
--   zero.
-- chart: bar x=segment y=profit_amount
WITH profit AS (  -- costs per customer: the customer_costs table macro (crm/sql/marts/15_customer_costs.sql)
    SELECT c.segment, c.channel, p.revenue, p.service_cost, p.acquisition_cost,
           p.revenue * $margin_pct - p.service_cost - p.acquisition_cost AS profit
    FROM customer_costs($start_date, $end_date) p JOIN customers c USING (customer_id)
    WHERE in_filter($regions, c.region) AND in_filter($segments, c.segment) AND in_filter($channels, c.channel)
)
SELECT segment, channel,
       count(*)::BIGINT AS customers_count,
       sum(revenue) AS revenue_amount,
       sum(revenue) * $margin_pct AS gross_margin_amount,
       sum(service_cost) AS service_cost_amount,
       sum(acquisition_cost) AS acquisition_cost_amount,
       sum(profit) AS profit_amount,
       sum(profit) / count(*) AS profit_per_customer_amount,
       count(*) FILTER (WHERE profit < 0)::BIGINT AS unprofitable_count
FROM profit
GROUP BY GROUPING SETS ((segment), (channel))
ORDER BY segment NULLS LAST, channel
