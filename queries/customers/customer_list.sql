-- title: Customer list
-- description: One row per customer of the current filters (region, segment, channel the
--   customer was acquired through) who was active at any time in the period or acquired in
--   it; one page of page_size rows, with total_count = all rows of the list. status at the
--   end of the period: New (acquired in it), Won back (active again after a loss), Active,
--   Lost (lost_on = the end of the latest spell). revenue_amount and orders_count: the
--   customer's orders in the period (every order channel); lifetime_revenue_amount: all their
--   orders up to the end of the period; linked_value_amount: lifetime revenue of the
--   customer's household / parent group (the customer, its parent and the parent's other
--   children, or the customer and its children). low_value_high_link: own lifetime revenue in
--   the bottom 50 % but linked value in the top 20 % of all customers acquired by the end of
--   the period, whatever the filters. sort_by: revenue, lifetime, linked, orders, acquired or
--   id. search (* = none) finds text in the id and city; found_ids (one id per line, * =
--   none) adds the customers the app found by name or e-mail (for roles that may see personal
--   data). Customer ids only: names and e-mails live apart from the warehouse; the app adds
--   them for roles that may see them.
-- chart: table
-- param: page integer 1 Page number
-- param: page_size integer 50 Rows per page
-- param: sort_by text revenue Sort by: revenue, lifetime, linked, orders, acquired or id
-- param: search text * Text to find in the id and city; * = no search
-- param: found_ids text * Ids of customers found by name or e-mail, one per line; * = none
WITH linked AS (  -- each customer's and its group's revenue up to the end of the period
    SELECT * FROM customer_value_at($end_date)
),
thresholds AS (  -- over all customers known at the end of the period, so the flag is the same on every page
    SELECT quantile_cont(lifetime, 0.50) AS own_low,      -- bottom 50 % of own lifetime revenue
           quantile_cont(linked, 0.80) AS linked_high     -- top 20 % of linked value
    FROM linked WHERE acquired_on <= $end_date
),
spells AS (
    SELECT customer_id,
           bool_or(start_on <= $end_date AND (end_on IS NULL OR end_on > $start_date)) AS active_in_period,
           bool_or(start_on <= $end_date AND (end_on IS NULL OR end_on > $end_date)) AS active_at_end,
           bool_or(is_reactivation AND start_on BETWEEN $start_date AND $end_date
                   AND (end_on IS NULL OR end_on > $end_date)) AS won_back,
           max(end_on) FILTER (WHERE end_on <= $end_date) AS last_end_on
    FROM customer_spells
    WHERE in_filter($regions, region) AND in_filter($segments, segment) AND in_filter($channels, channel)
    GROUP BY customer_id
),
listed AS (
    SELECT c.*, s.active_at_end, s.won_back, s.last_end_on
    FROM customers c JOIN spells s USING (customer_id)
    WHERE (s.active_in_period OR c.acquired_on BETWEEN $start_date AND $end_date)
      AND ($search = '*'
           OR contains(strip_accents(lower(c.customer_id)), strip_accents(lower($search)))
           OR contains(strip_accents(lower(coalesce(c.city, ''))), strip_accents(lower($search)))
           OR list_contains(string_split($found_ids, chr(10)), c.customer_id))
),
in_period AS (
    SELECT customer_id, sum(amount) AS revenue, count(*) AS orders
    FROM orders WHERE ordered_on BETWEEN $start_date AND $end_date
    GROUP BY customer_id
),
rows AS (
    SELECT c.customer_id,
           CASE WHEN NOT c.active_at_end THEN 'Lost'
                WHEN c.acquired_on BETWEEN $start_date AND $end_date THEN 'New'
                WHEN c.won_back THEN 'Won back'
                ELSE 'Active' END AS status,
           c.segment, c.region, c.channel,
           coalesce(p.revenue, 0) AS revenue_amount,
           k.lifetime AS lifetime_revenue_amount,
           k.linked AS linked_value_amount,
           coalesce(k.lifetime <= t.own_low AND k.linked >= t.linked_high AND k.linked > k.lifetime, false)
             AS low_value_high_link,
           coalesce(p.orders, 0)::BIGINT AS orders_count,
           c.acquired_on,
           CASE WHEN NOT c.active_at_end THEN c.last_end_on END AS lost_on,
           c.consent, c.country, c.city,
           count(*) OVER ()::BIGINT AS total_count
    FROM listed c
    JOIN linked k USING (customer_id)
    LEFT JOIN in_period p USING (customer_id)
    CROSS JOIN thresholds t
)
SELECT * FROM rows
ORDER BY
    CASE WHEN $sort_by = 'revenue' THEN revenue_amount END DESC,
    CASE WHEN $sort_by = 'lifetime' THEN lifetime_revenue_amount END DESC,
    CASE WHEN $sort_by = 'linked' THEN linked_value_amount END DESC,
    CASE WHEN $sort_by = 'orders' THEN orders_count END DESC,
    CASE WHEN $sort_by = 'acquired' THEN acquired_on END DESC,
    customer_id
LIMIT $page_size OFFSET (greatest($page, 1) - 1) * $page_size
