-- title: Staff training
-- description: One row. Customer-facing staff employed on the last day of the period, those
--   of them who took a course in the 12 months up to that day, and the trained share =
--   trained / customer-facing staff (a rolling 12-month view, so months and years compare).
--   Training hours = hours of the courses taken in the period by all staff; hours per
--   employee = those hours / staff employed on any day of the period. Someone is employed
--   on day d when hired_on <= d and (left_on is empty or d < left_on). Only the region
--   filter applies: staff have no segment or channel.
WITH staff_in_region AS (
    SELECT * FROM staff WHERE in_filter($regions, region)
),
facing_at_end AS (
    SELECT employee_id FROM staff_in_region
    WHERE customer_facing AND hired_on <= $end_date AND (left_on IS NULL OR left_on > $end_date)
),
trained AS (
    SELECT count(DISTINCT f.employee_id) AS trained
    FROM facing_at_end f JOIN training t USING (employee_id)
    WHERE t.trained_on > ($end_date - INTERVAL 12 MONTH) AND t.trained_on <= $end_date
),
hours AS (
    SELECT coalesce(sum(t.hours), 0) AS training_hours
    FROM training t JOIN staff_in_region s USING (employee_id)
    WHERE t.trained_on BETWEEN $start_date AND $end_date
),
employed AS (
    SELECT count(*) AS staff FROM staff_in_region
    WHERE hired_on <= $end_date AND (left_on IS NULL OR left_on > $start_date)
)
SELECT (SELECT count(*) FROM facing_at_end)::BIGINT AS customer_facing_count,
       t.trained::BIGINT AS trained_count,
       t.trained / nullif((SELECT count(*) FROM facing_at_end), 0) AS trained_share_pct,
       h.training_hours AS training_hours,
       e.staff::BIGINT AS staff_count,
       h.training_hours / nullif(e.staff, 0) AS training_per_employee_hours
FROM trained t, hours h, employed e
