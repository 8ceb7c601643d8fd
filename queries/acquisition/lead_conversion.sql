-- title: Lead conversion by channel (attract)
-- description: One row per channel through which leads were contacted: leads contacted in
--   the period, those converted into customers by the end of the period, the conversion
--   rate, and the median days from contact to conversion of the converted
--   ones. Leads contacted near the end of the period have had little time to convert.
--   Channel = the channel the lead was contacted through.
-- chart: bar x=channel y=leads_count,converted_count
WITH contacted AS (
    SELECT channel,
           converted_on IS NOT NULL AND converted_on <= $end_date AS converted,
           CASE WHEN converted_on <= $end_date THEN converted_on - contacted_on END AS days_to_convert
    FROM leads
    WHERE contacted_on BETWEEN $start_date AND $end_date
      AND in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
)
SELECT channel,
       count(*)::BIGINT AS leads_count,
       count(*) FILTER (WHERE converted)::BIGINT AS converted_count,
       count(*) FILTER (WHERE converted) / count(*) AS conversion_pct,
       median(days_to_convert)::DOUBLE AS median_days_to_convert_days
FROM contacted
GROUP BY channel
ORDER BY leads_count DESC, channel
