-- title: Interactions of a customer by channel
-- description: One row per contact channel the customer $customer was in touch through:
--   interactions in all (whole history), sales, service and marketing ones, and the last one.
--   No rows when the customer's region is not among the selected regions.
-- chart: bar x=channel y=interactions_count
-- param: customer text * Customer id
SELECT i.channel,
       count(*)::BIGINT AS interactions_count,
       count(*) FILTER (WHERE i.kind = 'sales')::BIGINT AS sales_count,
       count(*) FILTER (WHERE i.kind = 'service')::BIGINT AS service_count,
       count(*) FILTER (WHERE i.kind = 'marketing')::BIGINT AS marketing_count,
       max(i.interacted_on) AS last_interaction_on
FROM interactions i JOIN customers c USING (customer_id)
WHERE i.customer_id = $customer AND in_filter($regions, c.region)
GROUP BY i.channel
ORDER BY interactions_count DESC, i.channel
