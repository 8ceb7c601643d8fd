-- title: Customer satisfaction
-- description: One row for the survey answers of the period: NPS = % promoters (9-10) - %
--   detractors (0-6) of the answers with an NPS score (-100 to 100), CSAT = average
--   satisfaction score (1 to 5) of the answers with one, and the number of answers behind
--   each. Region and segment: the customer's; channel: the survey's own (else the channel
--   the customer was acquired through), as in the headline NPS.
SELECT
    100.0 * (sum(promoters_count) - sum(detractors_count)) / nullif(sum(nps_responses_count), 0) AS nps_score,
    coalesce(sum(nps_responses_count), 0)::BIGINT AS nps_responses_count,
    sum(csat_score_sum) / nullif(sum(csat_responses_count), 0) AS csat_score,
    coalesce(sum(csat_responses_count), 0)::BIGINT AS csat_responses_count
FROM survey_daily
WHERE day BETWEEN $start_date AND $end_date
  AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
