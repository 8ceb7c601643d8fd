-- title: Most profitable customers
-- description: One row per customer, the 20 with the highest profit in the period: revenue,
--   cost to serve, acquisition cost and profit = revenue x margin - cost to serve -
--   acquisition cost, worked out exactly as in `customer_profitability` (channel = the
--   channel the customer was acquired through). Customer ids only: names are personal data.
WITH period_costs AS (  -- a month's cost spread evenly over its days: the part inside the period
    SELECT month, channel, region,
           acquisition_cost * in_period AS acquisition_cost, service_cost * in_period AS service_cost
    FROM (SELECT *, month_share(month, $start_date, $end_date) AS in_period
          FROM channel_costs WHERE month BETWEEN date_trunc('month', $start_date) AND $end_date)
),
costs AS (
    SELECT channel, region, sum(acquisition_cost) AS acquisition_cost, sum(service_cost) AS service_cost
    FROM period_costs
    GROUP BY ALL
),
contacts AS (  -- all interactions, every segment: the base the service cost is shared over
    SELECT i.customer_id, i.channel, c.region, count(*) AS interactions
    FROM interactions i JOIN customers c USING (customer_id)
    WHERE i.interacted_on BETWEEN $start_date AND $end_date
    GROUP BY ALL
),
acquired AS (
    SELECT customer_id, channel, region FROM customer_spells
    WHERE NOT is_reactivation AND start_on BETWEEN $start_date AND $end_date
),
service_rate AS (
    SELECT channel, region, any_value(k.service_cost) / sum(t.interactions) AS per_interaction
    FROM contacts t JOIN costs k USING (channel, region)
    GROUP BY channel, region
),
cac AS (
    SELECT channel, region, any_value(k.acquisition_cost) / count(*) AS per_customer
    FROM acquired a JOIN costs k USING (channel, region)
    GROUP BY channel, region
),
per_customer AS (
    SELECT customer_id, sum(revenue) AS revenue, sum(service_cost) AS service_cost, sum(acquisition_cost) AS acquisition_cost
    FROM (
        SELECT customer_id, amount AS revenue, 0 AS service_cost, 0 AS acquisition_cost
        FROM order_facts WHERE ordered_on BETWEEN $start_date AND $end_date
        UNION ALL
        SELECT t.customer_id, 0, t.interactions * r.per_interaction, 0
        FROM contacts t JOIN service_rate r USING (channel, region)
        UNION ALL
        SELECT a.customer_id, 0, 0, r.per_customer
        FROM acquired a JOIN cac r USING (channel, region)
        UNION ALL  -- customers with interactions but no service cost recorded still count
        SELECT customer_id, 0, 0, 0 FROM contacts
        UNION ALL
        SELECT customer_id, 0, 0, 0 FROM acquired
    )
    GROUP BY customer_id
),
profit AS (
    SELECT p.customer_id, c.segment, c.region, c.channel, p.revenue, p.service_cost, p.acquisition_cost,
           p.revenue * $margin_pct - p.service_cost - p.acquisition_cost AS profit
    FROM per_customer p JOIN customers c USING (customer_id)
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
