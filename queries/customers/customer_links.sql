-- title: Linked customers
-- description: One row per member of the household / parent group of the customer $customer
--   who is in the selected regions: the customer, its parent and the parent's other children
--   (or, for a parent, its children); relation, segment, region, channel, status at the end of the period,
--   lifetime revenue (all orders up to the end of the period), linked_value_amount = the
--   group's combined lifetime revenue (every member, wherever they are), and
--   low_value_high_link as in customer_list: own lifetime revenue in the bottom 50 % but
--   linked value in the top 20 % of all customers acquired by the end of the period.
--   No rows when the customer is not in the selected regions. Customer ids only (names live
--   apart from the warehouse).
-- chart: table
-- param: customer text * Customer id
WITH linked AS (  -- each customer's and its group's revenue up to the end of the period
    SELECT * FROM customer_value_at($end_date)
),
thresholds AS (
    SELECT quantile_cont(lifetime, 0.50) AS own_low,      -- bottom 50 % of own lifetime revenue
           quantile_cont(linked, 0.80) AS linked_high     -- top 20 % of linked value
    FROM linked WHERE acquired_on <= $end_date
),
me AS (
    SELECT k.customer_id, k.group_id FROM linked k JOIN customers c USING (customer_id)
    WHERE k.customer_id = $customer AND in_filter($regions, c.region)
),
open_spells AS (
    SELECT DISTINCT customer_id FROM customer_spells
    WHERE start_on <= $end_date AND (end_on IS NULL OR end_on > $end_date)
)
SELECT c.customer_id,
       CASE WHEN k.customer_id = me.customer_id THEN 'This customer'
            WHEN k.customer_id = me.group_id THEN 'Parent'
            WHEN me.group_id = me.customer_id THEN 'Child'
            ELSE 'Sibling' END AS relation,
       c.segment, c.region, c.channel,
       CASE WHEN o.customer_id IS NOT NULL THEN 'Active' ELSE 'Lost' END AS status,
       k.lifetime AS lifetime_revenue_amount,
       k.linked AS linked_value_amount,
       coalesce(k.lifetime <= t.own_low AND k.linked >= t.linked_high AND k.linked > k.lifetime, false)
         AS low_value_high_link,
       c.consent
FROM me
JOIN linked k ON k.group_id = me.group_id OR k.customer_id = me.group_id
JOIN customers c ON c.customer_id = k.customer_id
LEFT JOIN open_spells o ON o.customer_id = k.customer_id
CROSS JOIN thresholds t
WHERE in_filter($regions, c.region)
ORDER BY CASE WHEN k.customer_id = me.customer_id THEN 0 WHEN k.customer_id = me.group_id THEN 1 ELSE 2 END,
         k.lifetime DESC, c.customer_id
