-- One row per active spell of a customer (DESIGN.md section 4).
-- A spell starts on acquired_on or, later, on the first order after the previous spell
-- ended (a reactivation). It ends on lost_on, or (with an inactivity window of N days)
-- N days after its last order, whichever comes first. Active on day d: start_on <= d < end_on.
-- An end after the as-of date is not known yet: the spell is still open (end_on NULL).
CREATE TABLE customer_spells AS
WITH settings AS (
    SELECT inactive_after_days AS window_days, as_of FROM warehouse_info
),
activity AS (  -- the days a customer was seen: acquisition and orders after it
    SELECT customer_id, acquired_on AS day FROM customers
    UNION
    SELECT o.customer_id, o.ordered_on
    FROM orders o JOIN customers c USING (customer_id)
    WHERE o.ordered_on > c.acquired_on
),
with_previous AS (
    SELECT a.customer_id, a.day, c.lost_on,
           lag(a.day) OVER (PARTITION BY a.customer_id ORDER BY a.day) AS previous_day
    FROM activity a JOIN customers c USING (customer_id)
),
spell_starts AS (
    SELECT w.*,
           CASE
               WHEN previous_day IS NULL THEN 1
               WHEN lost_on >= previous_day AND lost_on < day THEN 1        -- lost in between
               WHEN day >= previous_day + s.window_days THEN 1              -- lapsed in between
               ELSE 0
           END AS starts_spell
    FROM with_previous w, settings s
),
numbered AS (
    SELECT *, sum(starts_spell) OVER (PARTITION BY customer_id ORDER BY day) AS spell_no
    FROM spell_starts
),
spells AS (
    SELECT customer_id, spell_no, min(day) AS start_on, max(day) AS last_order_on,
           any_value(lost_on) AS lost_on
    FROM numbered GROUP BY customer_id, spell_no
),
bounded AS (
    SELECT sp.*,
           lead(start_on) OVER (PARTITION BY customer_id ORDER BY spell_no) AS next_start_on
    FROM spells sp
),
ended AS (
    SELECT b.*,
           least(
               CASE WHEN lost_on >= last_order_on
                         AND (next_start_on IS NULL OR lost_on < next_start_on) THEN lost_on END,
               last_order_on + s.window_days
           ) AS end_on_raw,
           s.as_of
    FROM bounded b, settings s
)
SELECT
    e.customer_id,
    e.spell_no::INTEGER                                    AS spell_no,
    e.spell_no > 1                                         AS is_reactivation,
    e.start_on,
    CASE WHEN e.end_on_raw <= e.as_of THEN e.end_on_raw END AS end_on,
    e.last_order_on,
    CASE WHEN e.end_on_raw <= e.as_of AND e.end_on_raw = e.lost_on THEN c.loss_reason END AS loss_reason,
    c.segment, c.region, c.country, c.channel
FROM ended e JOIN customers c USING (customer_id)
ORDER BY e.start_on, e.customer_id;
