-- title: KPI targets for the period
-- description: One row per KPI of the `targets` table with a target valid on at least one
--   day of the period: the goal and red flag averaged over the days of the period that a
--   target covers (a period spanning two target years blends them by days; days without a
--   target are left out), and how many days were covered. Targets are company-wide: the
--   region, segment and channel filters do not apply. The scorecard scales a per-month
--   target to the length of the period (see target_scale in queries/scorecard.toml).
-- chart: table
WITH days AS (
    SELECT unnest(generate_series($start_date::TIMESTAMP, $end_date::TIMESTAMP, INTERVAL 1 DAY))::DATE AS day
)
SELECT t.kpi,
       avg(t.goal) AS goal,
       avg(t.red_flag) AS red_flag,
       count(DISTINCT d.day)::BIGINT AS covered_days_count
FROM days d JOIN targets t ON d.day BETWEEN t.valid_from AND t.valid_to
GROUP BY t.kpi
ORDER BY t.kpi
