-- Time-goal attainment per process version, week, clock and priority: a goal is met when its clock stopped in
-- time, missed when it stopped late or is past due; open clocks are counted apart. Portable SQL over the tables
-- cep report writes (tickets, clocks, tier_times, deviations).
SELECT
  version,
  CAST(date_trunc('week', created) AS DATE) AS week,
  clock,
  priority,
  SUM(CASE WHEN state = 'met' THEN 1 ELSE 0 END) AS met,
  SUM(CASE WHEN state = 'missed' THEN 1 ELSE 0 END) AS missed,
  SUM(CASE WHEN state = 'open' THEN 1 ELSE 0 END) AS still_open,
  CAST(SUM(CASE WHEN state = 'met' THEN 1 ELSE 0 END) AS DOUBLE)
    / NULLIF(SUM(CASE WHEN state <> 'open' THEN 1 ELSE 0 END), 0) AS attainment
FROM clocks
GROUP BY version, CAST(date_trunc('week', created) AS DATE), clock, priority
ORDER BY version, week, clock, priority
