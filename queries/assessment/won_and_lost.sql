-- title: Customers won and lost, and how many losses have a reason
-- description: One row for the period: new customers (first spells starting in it) and lost
--   customers (spells ending in it), each also per year (count x 365.25 / days in the
--   period), and the losses with a recorded loss reason and their share of all losses. A
--   spell ended by the inactivity window has no reason. Channel = the channel the customer
--   was acquired through. The self-assessment's evidence for "do you know the customers you
--   win and lose each year, and why?".
WITH lost AS (
    SELECT count(*) AS lost, count(loss_reason) AS with_reason
    FROM customer_spells
    WHERE end_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
),
won AS (
    SELECT coalesce(sum(new_count), 0) AS new
    FROM movements_daily
    WHERE day BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
),
days AS (
    SELECT ($end_date - $start_date + 1) AS days
)
SELECT w.new::BIGINT AS new_count,
       round(w.new * 365.25 / d.days)::BIGINT AS new_per_year_count,
       l.lost::BIGINT AS lost_count,
       round(l.lost * 365.25 / d.days)::BIGINT AS lost_per_year_count,
       l.with_reason::BIGINT AS lost_with_reason_count,
       l.with_reason / nullif(l.lost, 0) AS lost_with_reason_pct
FROM won w, lost l, days d
