-- title: Cohort retention
-- description: One row per monthly acquisition cohort and month since acquisition: the
--   customers acquired in that month (the cohort size) and those of them with an active
--   spell on the last day of the month that many months later (or on the period's last day
--   for its last month), and their share. Month 0 is the month of acquisition; a customer who
--   was lost and came back counts as retained again. Cohorts acquired in the period, at most
--   the 36 latest. Channel = the channel the customer was acquired through.
-- chart: heatmap x=months_since y=cohort_month color=retention_pct
WITH cohorts AS (
    SELECT customer_id, date_trunc('month', acquired_on)::DATE AS cohort_month
    FROM customers
    WHERE acquired_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
),
recent AS (  -- at most 36 cohorts keep the heatmap small and readable
    SELECT DISTINCT cohort_month FROM cohorts ORDER BY cohort_month DESC LIMIT 36
),
sizes AS (
    SELECT cohort_month, count(*) AS cohort_size FROM cohorts JOIN recent USING (cohort_month) GROUP BY ALL
),
months AS (  -- each month is measured on its last day, the last one on the period's last day
    SELECT month, least(month + INTERVAL 1 MONTH - INTERVAL 1 DAY, $end_date)::DATE AS measured_on
    FROM calendar
    WHERE day BETWEEN (SELECT min(cohort_month) FROM recent) AND $end_date
    GROUP BY month
),
grid AS (
    SELECT s.cohort_month, s.cohort_size, m.measured_on,
           datediff('month', s.cohort_month, m.month) AS months_since
    FROM sizes s JOIN months m ON m.month >= s.cohort_month
),
retained AS (
    SELECT g.cohort_month, g.months_since, count(DISTINCT c.customer_id) AS retained
    FROM grid g
    JOIN cohorts c USING (cohort_month)
    JOIN customer_spells sp ON sp.customer_id = c.customer_id
     AND sp.start_on <= g.measured_on AND (sp.end_on IS NULL OR sp.end_on > g.measured_on)
    GROUP BY ALL
)
SELECT g.cohort_month,
       g.months_since::INTEGER AS months_since,
       g.cohort_size::BIGINT AS cohort_size_count,
       coalesce(r.retained, 0)::BIGINT AS retained_count,
       coalesce(r.retained, 0) / g.cohort_size AS retention_pct
FROM grid g LEFT JOIN retained r USING (cohort_month, months_since)
ORDER BY g.cohort_month, g.months_since
