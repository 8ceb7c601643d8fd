-- Empty list means "all": in_filter($regions, region) is true when $regions is [] or holds region.
CREATE MACRO in_filter(selected, value) AS (len(selected) = 0 OR list_contains(selected, value));
