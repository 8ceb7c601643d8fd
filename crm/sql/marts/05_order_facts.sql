-- Orders with the customer's region and segment, sorted by date: the revenue pages read
-- this instead of joining orders to customers on every query. channel = the order's channel.
CREATE TABLE order_facts AS
SELECT o.ordered_on, o.order_id, o.customer_id, o.amount,
       coalesce(o.channel, c.channel) AS channel, o.payment_method,
       c.region, c.segment, c.country
FROM orders o JOIN customers c USING (customer_id)
ORDER BY o.ordered_on;
