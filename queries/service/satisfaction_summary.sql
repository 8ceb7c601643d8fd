-- title: Customer satisfaction
-- description: One row for the survey answers of the period: NPS = % promoters (9-10) - %
--   detractors (0-6) of the answers with an NPS score (-100 to 100), CSAT = average
--   satisfaction score (1 to 5) of the answers with one, and the number of answers behind
--   each. Region and segment: the customer's; channel: the survey's own (else the channel
--   the customer was acquired through), as in the headline NPS.
SELECT
    100.0 * (count(*) FILTER (WHERE s.nps_score >= 9) - count(*) FILTER (WHERE s.nps_score <= 6))
      / nullif(count(s.nps_score), 0) AS nps_score,
    count(s.nps_score)::BIGINT AS nps_responses_count,
    avg(s.csat_score) AS csat_score,
    count(s.csat_score)::BIGINT AS csat_responses_count
FROM surveys s JOIN customers c USING (customer_id)
WHERE s.answered_on BETWEEN $start_date AND $end_date
  AND in_filter($regions, c.region) AND in_filter($segments, c.segment)
  AND in_filter($channels, coalesce(s.channel, c.channel))
