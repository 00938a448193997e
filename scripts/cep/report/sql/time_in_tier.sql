-- Hours each ticket spent in each tier, per process version: median and 90th percentile.
SELECT
  version,
  tier,
  COUNT(*) AS tickets,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) / 3600.0 AS median_hours,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds) / 3600.0 AS p90_hours
FROM tier_times
GROUP BY version, tier
ORDER BY version, tier
