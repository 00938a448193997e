-- The lived path, as process mining draws it: how often one step directly follows another in a ticket's history,
-- and the median hours between them, per process version (a directly-follows graph); `followed` counts the
-- tickets among them that followed the process, so a path only departing tickets took shows as 0.
WITH steps AS (
  SELECT
    e.version,
    e.key,
    t.conformant,
    e.activity,
    e.happened,
    LEAD(e.activity) OVER (PARTITION BY e.key ORDER BY e.happened, e.step) AS next_activity,
    LEAD(e.happened) OVER (PARTITION BY e.key ORDER BY e.happened, e.step) AS next_happened
  FROM events e JOIN tickets t ON t.key = e.key
)
SELECT
  version,
  activity,
  next_activity,
  COUNT(*) AS tickets,
  SUM(CASE WHEN conformant THEN 1 ELSE 0 END) AS followed,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM next_happened - happened)) / 3600.0 AS median_hours
FROM steps
WHERE next_activity IS NOT NULL
GROUP BY version, activity, next_activity
ORDER BY version, tickets DESC, activity, next_activity
