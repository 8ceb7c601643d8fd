-- Complaints with the customer's region and segment, sorted by the time they were received:
-- the service queries filter this instead of joining complaints to customers each time.
CREATE TABLE complaint_facts AS
SELECT k.*, c.region, c.segment
FROM complaints k JOIN customers c USING (customer_id)
ORDER BY k.received_at;
