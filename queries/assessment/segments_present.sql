-- title: Segments in the data
-- description: One row: how many customer segments the data holds and their names, for the
--   self-assessment's "does your segmentation separate multinationals, large nationals, small
--   nationals and households?". Filters do not apply: it is about the segmentation itself.
SELECT count(*)::BIGINT AS segments_count,
       string_agg(value, ', ' ORDER BY value) AS segments
FROM filter_values
WHERE dimension = 'segments'
