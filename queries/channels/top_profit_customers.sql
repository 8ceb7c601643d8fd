-- title: Most profitable customers
-- description: One row per customer, the 20 with the highest profit in the period: revenue,
--   cost to serve, acquisition cost and profit = revenue x margin - cost to serve -
--   acquisition cost, worked out exactly as in `customer_profitability` (channel = the
--   channel the customer was acquired through). Customer ids only: names live apart from the warehouse.
WITH profit AS (  -- costs per customer: the customer_costs table macro (crm/sql/marts/15_customer_costs.sql)
    SELECT p.customer_id, c.segment, c.region, c.channel, p.revenue, p.service_cost, p.acquisition_cost,
           p.revenue * $margin_pct - p.service_cost - p.acquisition_cost AS profit
    FROM customer_costs($start_date, $end_date) p JOIN customers c USING (customer_id)
    WHERE in_filter($regions, c.region) AND in_filter($segments, c.segment) AND in_filter($channels, c.channel)
)
SELECT customer_id, segment, region, channel,
       revenue AS revenue_amount,
       service_cost AS service_cost_amount,
       acquisition_cost AS acquisition_cost_amount,
       profit AS profit_amount
FROM profit
ORDER BY profit DESC, customer_id
LIMIT 20
