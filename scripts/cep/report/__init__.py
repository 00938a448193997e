"""The process as lived: `cep report` reads ticket histories in Jira's format (history), judges each against the
process version in force when it was created (versions, lived) and sums the verdicts up with DuckDB (aggregate,
sql/)."""
