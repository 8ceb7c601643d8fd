-- title: Channel economics
-- description: One row per channel. cost = acquisition + service costs in the period (a
--   month's cost is spread evenly over its days, so a period that cuts a month takes the
--   days it covers; the ratios then compare like with like); interactions = contacts
--   through the channel in the period (all kinds: sales, service, marketing); cost per
--   interaction = service cost / interactions; new = customers acquired through the channel
--   (first spells starting in the period); CAC = acquisition cost / new customers, empty
--   (not defined) when the channel won no new customers; revenue = orders placed through
--   the channel. The *_share_pct columns give each channel's share of the cost,
--   interactions, new customers and revenue of all the rows. Costs are not split by
--   segment, so this table ignores the segment filter (every ratio compares like with
--   like); the region and channel filters apply.
-- chart: bar x=channel y=acquisition_cost_amount,service_cost_amount
WITH period_costs AS (  -- a month's cost spread evenly over its days: the part inside the period
    SELECT month, channel, region,
           acquisition_cost * in_period AS acquisition_cost, service_cost * in_period AS service_cost
    FROM (SELECT *, month_share(month, $start_date, $end_date) AS in_period
          FROM channel_costs WHERE month BETWEEN date_trunc('month', $start_date) AND $end_date)
),
costs AS (
    SELECT channel, sum(acquisition_cost) AS acquisition_cost, sum(service_cost) AS service_cost
    FROM period_costs
    WHERE in_filter($regions, region) AND in_filter($channels, channel)
    GROUP BY channel
),
contacts AS (
    SELECT channel, sum(interactions_count) AS interactions
    FROM interaction_daily
    WHERE day BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($channels, channel)
    GROUP BY channel
),
acquired AS (
    SELECT channel, sum(new_count) AS new_customers
    FROM movements_daily
    WHERE new_count > 0 AND day BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($channels, channel)
    GROUP BY channel
),
revenue AS (
    SELECT channel, sum(amount) AS revenue
    FROM order_facts
    WHERE ordered_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($channels, channel)
    GROUP BY channel
),
joined AS (
    SELECT channel,
           coalesce(acquisition_cost, 0) AS acquisition_cost,
           coalesce(service_cost, 0) AS service_cost,
           coalesce(interactions, 0) AS interactions,
           coalesce(new_customers, 0) AS new_customers,
           coalesce(revenue, 0) AS revenue
    FROM costs FULL JOIN contacts USING (channel) FULL JOIN acquired USING (channel) FULL JOIN revenue USING (channel)
)
SELECT channel,
       acquisition_cost + service_cost AS cost_amount,
       acquisition_cost AS acquisition_cost_amount,
       service_cost AS service_cost_amount,
       interactions::BIGINT AS interactions_count,
       service_cost / nullif(interactions, 0) AS cost_per_interaction_amount,
       new_customers::BIGINT AS new_count,
       acquisition_cost / nullif(new_customers, 0) AS cac_amount,
       revenue AS revenue_amount,
       (acquisition_cost + service_cost) / nullif(sum(acquisition_cost + service_cost) OVER (), 0) AS cost_share_pct,
       interactions / nullif(sum(interactions) OVER (), 0) AS interactions_share_pct,
       new_customers / nullif(sum(new_customers) OVER (), 0) AS new_share_pct,
       revenue / nullif(sum(revenue) OVER (), 0) AS revenue_share_pct
FROM joined
ORDER BY cost_amount DESC, channel
