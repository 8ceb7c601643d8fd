-- Survey answers per day x region x segment x channel (the survey's, else the customer's):
-- NPS and CSAT for any filter from a small table.
CREATE TABLE survey_daily AS
SELECT s.answered_on AS day, c.region, c.segment, coalesce(s.channel, c.channel) AS channel,
       count(s.nps_score)::BIGINT                               AS nps_responses_count,
       count(*) FILTER (WHERE s.nps_score >= 9)::BIGINT         AS promoters_count,
       count(*) FILTER (WHERE s.nps_score <= 6)::BIGINT         AS detractors_count,
       count(s.csat_score)::BIGINT                              AS csat_responses_count,
       sum(s.csat_score)                                        AS csat_score_sum
FROM surveys s JOIN customers c USING (customer_id)
GROUP BY ALL
ORDER BY ALL;
