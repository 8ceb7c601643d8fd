-- title: Complaints of a customer
-- description: One row per complaint of the customer $customer (whole history), newest
--   first: received, category, channel, first response and resolution (NULL = not yet),
--   hours to the first response, days to resolution, and whether it was rewarded. No rows
--   when the customer's region is not among the selected regions.
-- chart: table
-- param: customer text * Customer id
SELECT k.complaint_id, k.received_at, k.category, k.channel, k.first_response_at, k.resolved_at,
       epoch(k.first_response_at - k.received_at) / 3600 AS first_response_hours,
       epoch(k.resolved_at - k.received_at) / 86400 AS resolution_days,
       k.rewarded
FROM complaints k JOIN customers c USING (customer_id)
WHERE k.customer_id = $customer AND in_filter($regions, c.region)
ORDER BY k.received_at DESC
