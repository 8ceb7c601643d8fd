-- title: Channel KPIs
-- description: One row for the whole period, over the selected channels: cost (acquisition
--   + service costs in the period, a month's cost spread evenly over its days),
--   interactions, cost per interaction = service cost / interactions, new customers, CAC =
--   acquisition cost / new customers (empty when there are none), and channel conflict:
--   customers served (an interaction or an order in the period), those served through two
--   or more channels, and their share. Costs, interactions and new customers ignore the
--   segment filter (costs are not split by segment); customers served follow it.
WITH period_costs AS (  -- a month's cost spread evenly over its days: the part inside the period
    SELECT month, channel, region,
           acquisition_cost * in_period AS acquisition_cost, service_cost * in_period AS service_cost
    FROM (SELECT *, month_share(month, $start_date, $end_date) AS in_period
          FROM channel_costs WHERE month BETWEEN date_trunc('month', $start_date) AND $end_date)
),
costs AS (
    SELECT coalesce(sum(acquisition_cost), 0) AS acquisition_cost, coalesce(sum(service_cost), 0) AS service_cost
    FROM period_costs
    WHERE in_filter($regions, region) AND in_filter($channels, channel)
),
contacts AS (
    SELECT count(*) AS interactions
    FROM interactions i JOIN customers c USING (customer_id)
    WHERE i.interacted_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, c.region) AND in_filter($channels, i.channel)
),
acquired AS (
    SELECT count(*) AS new_customers
    FROM customer_spells
    WHERE NOT is_reactivation AND start_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($channels, channel)
),
usage AS (  -- every channel each customer used in the period, to count channels per customer
    SELECT customer_id, channel FROM interactions WHERE interacted_on BETWEEN $start_date AND $end_date
    UNION
    SELECT customer_id, channel FROM order_facts WHERE ordered_on BETWEEN $start_date AND $end_date
),
served AS (
    SELECT u.customer_id, count(DISTINCT u.channel) AS channels,
           bool_or(in_filter($channels, u.channel)) AS through_selected
    FROM usage u JOIN customers c USING (customer_id)
    WHERE in_filter($regions, c.region) AND in_filter($segments, c.segment)
    GROUP BY u.customer_id
),
conflict AS (
    SELECT count(*) AS served, count(*) FILTER (WHERE channels >= 2) AS multichannel
    FROM served WHERE through_selected
)
SELECT
    k.acquisition_cost + k.service_cost AS cost_amount,
    k.acquisition_cost AS acquisition_cost_amount,
    k.service_cost AS service_cost_amount,
    i.interactions::BIGINT AS interactions_count,
    k.service_cost / nullif(i.interactions, 0) AS cost_per_interaction_amount,
    a.new_customers::BIGINT AS new_count,
    k.acquisition_cost / nullif(a.new_customers, 0) AS cac_amount,
    s.served::BIGINT AS served_count,
    s.multichannel::BIGINT AS multichannel_count,
    s.multichannel / nullif(s.served, 0) AS multichannel_pct
FROM costs k, contacts i, acquired a, conflict s
