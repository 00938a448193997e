-- The histories as an event log, as process-mining tools take it: one row per step a ticket took, in the order
-- it took them, with its process version and whether the ticket followed the process.
SELECT
  e.version,
  e.key,
  t.conformant,
  e.activity,
  e.happened
FROM events e JOIN tickets t ON t.key = e.key
ORDER BY e.version, e.key, e.happened, e.step
