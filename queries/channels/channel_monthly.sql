-- title: Channel costs per month
-- description: One row per calendar month overlapping the period and channel: acquisition
--   and service costs of the month, interactions through the channel in the month (within
--   the period), cost per interaction = service cost / interactions, new customers acquired
--   through it, and CAC = acquisition cost / new customers (empty when there are none). The
--   first and last months are clipped to the period, costs too (a month's cost is spread
--   evenly over its days). Costs are not split by segment, so the segment filter does not
--   apply; the region and channel filters do.
-- chart: bar x=month y=acquisition_cost_amount,service_cost_amount color=channel
WITH period_costs AS (  -- a month's cost spread evenly over its days: the part inside the period
    SELECT month, channel, region,
           acquisition_cost * in_period AS acquisition_cost, service_cost * in_period AS service_cost
    FROM (SELECT *, month_share(month, $start_date, $end_date) AS in_period
          FROM channel_costs WHERE month BETWEEN date_trunc('month', $start_date) AND $end_date)
),
costs AS (
    SELECT month, channel, sum(acquisition_cost) AS acquisition_cost, sum(service_cost) AS service_cost
    FROM period_costs
    WHERE in_filter($regions, region) AND in_filter($channels, channel)
    GROUP BY ALL
),
contacts AS (
    SELECT date_trunc('month', day)::DATE AS month, channel, sum(interactions_count) AS interactions
    FROM interaction_daily
    WHERE day BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($channels, channel)
    GROUP BY ALL
),
acquired AS (
    SELECT date_trunc('month', day)::DATE AS month, channel, sum(new_count) AS new_customers
    FROM movements_daily
    WHERE new_count > 0 AND day BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($channels, channel)
    GROUP BY ALL
),
joined AS (
    SELECT month::DATE AS month, channel,
           coalesce(acquisition_cost, 0) AS acquisition_cost,
           coalesce(service_cost, 0) AS service_cost,
           coalesce(interactions, 0) AS interactions,
           coalesce(new_customers, 0) AS new_customers
    FROM costs FULL JOIN contacts USING (month, channel) FULL JOIN acquired USING (month, channel)
)
SELECT month, channel,
       acquisition_cost AS acquisition_cost_amount,
       service_cost AS service_cost_amount,
       interactions::BIGINT AS interactions_count,
       service_cost / nullif(interactions, 0) AS cost_per_interaction_amount,
       new_customers::BIGINT AS new_count,
       acquisition_cost / nullif(new_customers, 0) AS cac_amount
FROM joined
ORDER BY month, channel
