-- Tickets per process version, week and channel: the channels the process posts each ticket in (its route's at
-- triage, and a hand-over's that happened).
SELECT
  version,
  CAST(date_trunc('week', created) AS DATE) AS week,
  channel,
  COUNT(*) AS tickets
FROM notifications
GROUP BY version, CAST(date_trunc('week', created) AS DATE), channel
ORDER BY version, week, channel
