-- customer_costs(first_day, last_day): one row per customer with revenue, interactions or an
-- acquisition in the period: revenue, cost to serve and acquisition cost (the Channels page's
-- profitability; profit = revenue x margin - both costs). Cost to serve: the service cost of each
-- channel and region in the period (a month's cost spread evenly over its days) shared among its
-- interactions, so a customer bears its share of its interactions. Acquisition cost: for
-- customers acquired in the period, the CAC of their acquisition channel in their region. Costs
-- of a channel and region without interactions (or new customers) cannot be allocated.
CREATE MACRO customer_costs(first_day, last_day) AS TABLE
WITH period_costs AS (  -- a month's cost spread evenly over its days: the part inside the period
    SELECT month, channel, region,
           acquisition_cost * in_period AS acquisition_cost, service_cost * in_period AS service_cost
    FROM (SELECT *, month_share(month, first_day, last_day) AS in_period
          FROM channel_costs WHERE month BETWEEN date_trunc('month', first_day) AND last_day)
),
costs AS (
    SELECT channel, region, sum(acquisition_cost) AS acquisition_cost, sum(service_cost) AS service_cost
    FROM period_costs
    GROUP BY ALL
),
contacts AS (  -- all interactions, every segment: the base the service cost is shared over
    SELECT i.customer_id, i.channel, c.region, count(*) AS interactions
    FROM interactions i JOIN customers c USING (customer_id)
    WHERE i.interacted_on BETWEEN first_day AND last_day
    GROUP BY ALL
),
acquired AS (
    SELECT customer_id, channel, region FROM customer_spells
    WHERE NOT is_reactivation AND start_on BETWEEN first_day AND last_day
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
        FROM order_facts WHERE ordered_on BETWEEN first_day AND last_day
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
)
SELECT customer_id, revenue, service_cost, acquisition_cost FROM per_customer;
