-- title: Relationship stages: contact, relate, intimate, trust
-- description: One row per stage and segment (segment empty = all segments together), as on
--   the last day of the period: people at the stage, people who reached it (at it or a later
--   stage), their share, and the conversion from the previous stage (reached / reached the
--   previous stage), and the stage's rule in words. Who is in which stage is decided ONLY
--   here, by the rules at the top.
--   People: leads contacted in the period and not converted by its end, and customers active
--   on its last day. Tenure = days from the first acquisition to the end of the period;
--   orders, complaints and survey answers up to the end of the period, in every channel.
--   Channel = the channel the lead was contacted or the customer acquired through.
-- chart: bar x=stage y=reached_count color=segment
WITH rules AS (
    -- THE STAGE RULES. Change these numbers to change who is in which stage.
    --   contact  = a lead that never bought, or a customer without any order
    --   relate   = a buyer who is not (yet) intimate: one order, or under a year of tenure
    --   intimate = a repeat buyer with at least a year of tenure
    --   trust    = intimate, and long tenure, many orders, no open complaint, not a detractor
    SELECT
        2   AS intimate_min_orders,          -- intimate: at least this many orders (a repeat buyer)
        365 AS intimate_min_tenure_days,     -- intimate: at least this tenure (a year)
        730 AS trust_min_tenure_days,        -- trust: at least this tenure (two years)
        6   AS trust_min_orders,             -- trust: at least this many orders
        0   AS trust_max_open_complaints,    -- trust: at most this many complaints still open
        6   AS detractor_max_nps_score       -- trust: latest NPS answer above this (0-6 = detractor), or none
),
stages AS (
    SELECT * FROM (VALUES (1, 'Contact'), (2, 'Relate'), (3, 'Intimate'), (4, 'Trust')) AS s(stage_no, stage)
),
rule_texts AS (  -- the rules in plain words, from the numbers above, for the page
    SELECT s.stage_no, CASE s.stage_no
        WHEN 1 THEN 'A lead who has not bought yet, or a customer without any order.'
        WHEN 2 THEN format('A buyer who is not intimate yet: fewer than {} orders, or under {} days of tenure.',
                           r.intimate_min_orders, r.intimate_min_tenure_days)
        WHEN 3 THEN format('A repeat buyer: at least {} orders and {} days of tenure, but not trust yet.',
                           r.intimate_min_orders, r.intimate_min_tenure_days)
        ELSE format('Intimate, and at least {} days of tenure and {} orders, {}, and a latest NPS answer '
                    'above {} (not a detractor) or no answer.', r.trust_min_tenure_days, r.trust_min_orders,
                    CASE WHEN r.trust_max_open_complaints = 0 THEN 'no open complaint'
                         ELSE format('at most {} open complaints', r.trust_max_open_complaints) END,
                    r.detractor_max_nps_score)
    END AS rule
    FROM stages s, rules r
),
open_leads AS (
    SELECT segment FROM leads
    WHERE contacted_on BETWEEN $start_date AND $end_date
      AND (converted_on IS NULL OR converted_on > $end_date)
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
),
active AS (
    SELECT DISTINCT customer_id, segment FROM customer_spells
    WHERE start_on <= $end_date AND (end_on IS NULL OR end_on > $end_date)
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
),
orders_to_date AS (
    SELECT customer_id, orders FROM customer_value_at($end_date)
),
open_complaints AS (
    SELECT customer_id, count(*) AS complaints FROM complaints
    WHERE received_at < $end_date + 1 AND (resolved_at IS NULL OR resolved_at >= $end_date + 1)
    GROUP BY customer_id
),
latest_nps AS (
    SELECT customer_id, arg_max(nps_score, answered_on) AS nps_score FROM surveys
    WHERE nps_score IS NOT NULL AND answered_on <= $end_date
    GROUP BY customer_id
),
profiles AS (
    SELECT a.segment,
           $end_date - c.acquired_on AS tenure_days,
           coalesce(o.orders, 0) AS orders,
           coalesce(x.complaints, 0) AS open_complaints,
           n.nps_score
    FROM active a
    JOIN customers c USING (customer_id)
    LEFT JOIN orders_to_date o USING (customer_id)
    LEFT JOIN open_complaints x USING (customer_id)
    LEFT JOIN latest_nps n USING (customer_id)
),
tests AS (
    SELECT p.segment,
           p.orders >= 1 AS is_buyer,
           p.orders >= r.intimate_min_orders AND p.tenure_days >= r.intimate_min_tenure_days AS is_intimate,
           p.tenure_days >= r.trust_min_tenure_days AND p.orders >= r.trust_min_orders
             AND p.open_complaints <= r.trust_max_open_complaints
             AND coalesce(p.nps_score > r.detractor_max_nps_score, TRUE) AS trust_extras
    FROM profiles p, rules r
),
staged AS (
    SELECT segment, 1 AS stage_no FROM open_leads
    UNION ALL
    SELECT segment, CASE WHEN is_intimate AND trust_extras THEN 4
                         WHEN is_intimate THEN 3
                         WHEN is_buyer THEN 2
                         ELSE 1 END
    FROM tests
),
counted AS (
    SELECT g.segment, g.stage_no, g.stage, count(s.stage_no) AS at_stage
    FROM (SELECT * FROM (SELECT DISTINCT segment FROM staged), stages) g
    LEFT JOIN staged s ON s.segment = g.segment AND s.stage_no = g.stage_no
    GROUP BY ALL
),
with_total AS (
    SELECT segment, stage_no, stage, at_stage FROM counted
    UNION ALL
    SELECT NULL, st.stage_no, st.stage, coalesce(sum(c.at_stage), 0)
    FROM stages st LEFT JOIN counted c USING (stage_no)
    GROUP BY st.stage_no, st.stage
),
reached AS (
    SELECT *,
           sum(at_stage) OVER (PARTITION BY segment ORDER BY stage_no DESC) AS reached
    FROM with_total
)
SELECT stage_no, stage, segment, rule,
       at_stage::BIGINT AS customers_count,
       reached::BIGINT AS reached_count,
       at_stage / nullif(sum(at_stage) OVER (PARTITION BY segment), 0) AS share_pct,
       reached / nullif(lag(reached) OVER (PARTITION BY segment ORDER BY stage_no), 0) AS conversion_pct
FROM reached JOIN rule_texts USING (stage_no)
ORDER BY segment NULLS FIRST, stage_no
