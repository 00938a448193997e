-- Tickets per process version, week, category and priority (the priority the process gives).
SELECT
  version,
  CAST(date_trunc('week', created) AS DATE) AS week,
  category,
  expected_priority AS priority,
  COUNT(*) AS tickets
FROM tickets
GROUP BY version, CAST(date_trunc('week', created) AS DATE), category, expected_priority
ORDER BY version, week, category, priority
