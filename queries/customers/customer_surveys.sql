-- title: Survey answers of a customer
-- description: One row per survey answer of the customer $customer (whole history), newest
--   first: answered on, channel, NPS score (0-10: 9-10 promoter, 0-6 detractor) and CSAT
--   score (1-5). No rows when the customer's region is not among the selected regions.
-- chart: table
-- param: customer text * Customer id
SELECT s.survey_id, s.answered_on, s.channel, s.nps_score, s.csat_score,
       CASE WHEN s.nps_score >= 9 THEN 'Promoter' WHEN s.nps_score <= 6 THEN 'Detractor'
            WHEN s.nps_score IS NOT NULL THEN 'Passive' END AS nps_group
FROM surveys s JOIN customers c USING (customer_id)
WHERE s.customer_id = $customer AND in_filter($regions, c.region)
ORDER BY s.answered_on DESC, s.survey_id
