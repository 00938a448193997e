-- The most common ways tickets left the documented process, per process version, with an example ticket each.
SELECT
  version,
  kind,
  why_pattern,
  COUNT(*) AS tickets,
  MIN(key) AS example
FROM deviations
GROUP BY version, kind, why_pattern
ORDER BY version, tickets DESC, kind, why_pattern
