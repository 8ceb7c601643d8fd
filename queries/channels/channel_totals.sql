-- title: Channel KPIs
-- description: One row for the whole period, over the selected channels: cost (acquisition
--   + service costs in the period, a month's cost spread evenly over its days),
--   interactions, cost per interaction = service cost / interactions, new customers and CAC =
--   acquisition cost / new customers (empty when there are none). The segment filter does not
--   apply: costs are not split by segment. Multi-channel customers: `channel_conflict`.
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
    SELECT coalesce(sum(interactions_count), 0) AS interactions
    FROM interaction_daily
    WHERE day BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($channels, channel)
),
acquired AS (
    SELECT coalesce(sum(new_count), 0) AS new_customers
    FROM movements_daily
    WHERE day BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($channels, channel)
)
SELECT
    k.acquisition_cost + k.service_cost AS cost_amount,
    k.acquisition_cost AS acquisition_cost_amount,
    k.service_cost AS service_cost_amount,
    i.interactions::BIGINT AS interactions_count,
    k.service_cost / nullif(i.interactions, 0) AS cost_per_interaction_amount,
    a.new_customers::BIGINT AS new_count,
    k.acquisition_cost / nullif(a.new_customers, 0) AS cac_amount
FROM costs k, contacts i, acquired a
