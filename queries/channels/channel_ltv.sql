-- title: Acquisition cost, payback and lifetime value per channel
-- description: One row per channel of acquisition. new = customers acquired through it in
--   the period; CAC = acquisition cost in the period (months spread evenly over their days)
--   / new customers (empty = not defined: no new customers). Monthly ARPA and monthly churn
--   are trailing averages over the 6 months ending on the period's last day, of the
--   customers acquired through the channel: each month, ARPA = their revenue / average
--   active at its start and end, churn = lost among those active at its start / active at
--   its start. Payback months = CAC / (monthly ARPA x margin); lifetime value = monthly
--   ARPA x margin / monthly churn (empty when nobody churned); lifetime value to CAC =
--   lifetime value / CAC. Margin is the `margin` setting. Costs are not split by segment,
--   so the segment filter does not apply.
-- chart: bar x=channel y=lifetime_value_to_cac
WITH period_costs AS (  -- a month's cost spread evenly over its days: the part inside the period
    SELECT month, channel, region,
           acquisition_cost * in_period AS acquisition_cost, service_cost * in_period AS service_cost
    FROM (SELECT *, month_share(month, $start_date, $end_date) AS in_period
          FROM channel_costs WHERE month BETWEEN date_trunc('month', $start_date) AND $end_date)
),
windows AS (  -- six month-long windows ending on the period's last day, [w_start, w_end)
    SELECT (($end_date + 1) - to_months(k))::DATE AS w_start,
           (($end_date + 1) - to_months(k - 1))::DATE AS w_end
    FROM (SELECT unnest(generate_series(1, 6)) AS k)
),
spells AS (
    SELECT channel, start_on, end_on FROM customer_spells WHERE in_filter($regions, region) AND in_filter($channels, channel)
),
monthly_base AS (
    SELECT w.w_start, s.channel,
           count(*) FILTER (WHERE s.start_on < w.w_start AND (s.end_on IS NULL OR s.end_on >= w.w_start)) AS active_start,
           count(*) FILTER (WHERE s.start_on < w.w_end AND (s.end_on IS NULL OR s.end_on >= w.w_end)) AS active_end,
           count(*) FILTER (WHERE s.start_on < w.w_start AND s.end_on >= w.w_start AND s.end_on < w.w_end) AS lost_from_start
    FROM windows w, spells s
    GROUP BY ALL
),
monthly_revenue AS (  -- revenue of the customers acquired through each channel, whatever the order's channel
    SELECT w.w_start, c.channel, sum(o.amount) AS revenue
    FROM order_facts o JOIN customers c USING (customer_id)
    JOIN windows w ON o.ordered_on >= w.w_start AND o.ordered_on < w.w_end
    WHERE o.ordered_on >= (SELECT min(w_start) FROM windows) AND o.ordered_on <= $end_date
      AND in_filter($regions, c.region) AND in_filter($channels, c.channel)
    GROUP BY ALL
),
recent AS (
    SELECT b.channel,
           avg(coalesce(r.revenue, 0) / nullif((b.active_start + b.active_end) / 2, 0)) AS monthly_arpa,
           avg(b.lost_from_start / nullif(b.active_start, 0)) AS monthly_churn
    FROM monthly_base b LEFT JOIN monthly_revenue r USING (w_start, channel)
    GROUP BY b.channel
),
costs AS (
    SELECT channel, sum(acquisition_cost) AS acquisition_cost
    FROM period_costs
    WHERE in_filter($regions, region) AND in_filter($channels, channel)
    GROUP BY channel
),
acquired AS (
    SELECT channel, count(*) FILTER (WHERE NOT is_reactivation AND start_on BETWEEN $start_date AND $end_date) AS new_customers
    FROM customer_spells
    WHERE in_filter($regions, region) AND in_filter($channels, channel)
    GROUP BY channel
),
unit AS (
    SELECT channel,
           coalesce(a.new_customers, 0) AS new_customers,
           coalesce(k.acquisition_cost, 0) AS acquisition_cost,
           coalesce(k.acquisition_cost, 0) / nullif(a.new_customers, 0) AS cac,
           t.monthly_arpa, t.monthly_churn,
           t.monthly_arpa * $margin_pct / nullif(t.monthly_churn, 0) AS lifetime_value
    FROM costs k FULL JOIN acquired a USING (channel) FULL JOIN recent t USING (channel)
)
SELECT channel,
       new_customers::BIGINT AS new_count,
       acquisition_cost AS acquisition_cost_amount,
       cac AS cac_amount,
       monthly_arpa AS monthly_arpa_amount,
       monthly_churn AS monthly_churn_pct,
       lifetime_value AS lifetime_value_amount,
       round(cac / nullif(monthly_arpa * $margin_pct, 0), 1) AS payback_months,
       round(lifetime_value / nullif(cac, 0), 2) AS lifetime_value_to_cac
FROM unit
ORDER BY lifetime_value_to_cac DESC NULLS LAST, channel
