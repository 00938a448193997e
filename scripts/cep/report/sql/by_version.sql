-- Every figure that says how well the process is followed, per process version: the before and after of each
-- change. Attainment counts only clocks that have stopped or are past due.
SELECT
  t.version,
  COUNT(*) AS tickets,
  SUM(CASE WHEN t.conformant THEN 1 ELSE 0 END) AS conformant,
  CAST(SUM(CASE WHEN t.conformant THEN 1 ELSE 0 END) AS DOUBLE) / COUNT(*) AS conformance,
  SUM(CASE WHEN t.returns > 0 THEN 1 ELSE 0 END) AS returned_tickets,
  SUM(t.returns) AS returns,
  SUM(CASE WHEN t.handover_complete THEN 1 ELSE 0 END) AS complete_handovers,
  SUM(CASE WHEN t.handover_complete IS NOT NULL THEN 1 ELSE 0 END) AS handovers,
  SUM(CASE WHEN t.insight_reached THEN 1 ELSE 0 END) AS insights_reached,
  SUM(CASE WHEN t.insight_reached IS NOT NULL THEN 1 ELSE 0 END) AS insights,
  (SELECT CAST(SUM(CASE WHEN c.state = 'met' THEN 1 ELSE 0 END) AS DOUBLE)
          / NULLIF(SUM(CASE WHEN c.state <> 'open' THEN 1 ELSE 0 END), 0)
     FROM clocks c WHERE c.version = t.version) AS attainment
FROM tickets t
GROUP BY t.version
ORDER BY MIN(t.created)
