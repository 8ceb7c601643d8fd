-- Empty list means "all": in_filter($regions, region) is true when $regions is [] or holds region.
CREATE MACRO in_filter(selected, value) AS (len(selected) = 0 OR list_contains(selected, value));

-- The share of a calendar month's days that lie in [period_start, period_end]: a month's cost
-- is spread evenly over its days, so a period that cuts a month takes only the days it covers.
CREATE MACRO month_share(month, period_start, period_end) AS
    greatest(least(last_day(month), period_end) - greatest(month, period_start) + 1, 0) / day(last_day(month));
