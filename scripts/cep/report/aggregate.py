"""The report's figures: its tables (`tables.py`) summed up by DuckDB over their Parquet files with the SQL files in
`sql/` (portable SQL, so a data team can run the same queries on their warehouse)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

from .tables import TABLES

QUERIES = ("by_version", "attainment", "volume", "channels", "time_in_tier", "deviations")


def query_text(name: str) -> str:
    return (files(__package__) / "sql" / f"{name}.sql").read_text(encoding="utf-8")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def open_tables(directory: Path, names: Iterable[str] = TABLES) -> Any:
    """A DuckDB connection with a view of each table's Parquet file in `directory`."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")  # weeks and days are cut in UTC, whatever the machine's zone
    for name in names:
        path = str(directory / f"{name}.parquet").replace("'", "''")  # a path is data in SQL too
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    return con


def summarise(directory: Path) -> dict[str, list[dict[str, Any]]]:
    """Every query's rows over the tables' Parquet files in `directory`, the queries run two at a time: one alone
    leaves DuckDB's threads partly idle."""
    con = open_tables(directory)
    try:
        return dict(zip(QUERIES, _two_at_a_time(con, [query_text(query) for query in QUERIES]), strict=True))
    finally:
        con.close()


def _two_at_a_time(con: Any, statements: list[str]) -> list[list[dict[str, Any]]]:
    """Each statement's rows, the statements run on two cursors of `con` at once (DuckDB lets go of the GIL)."""

    def run(statement: str) -> list[dict[str, Any]]:
        cursor = con.cursor()
        try:
            result = cursor.execute(statement)
            names = [d[0] for d in result.description or ()]
            return [{k: _plain(v) for k, v in zip(names, row, strict=True)} for row in result.fetchall()]
        finally:
            cursor.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(run, statements))


def totals(rows: Iterable[dict[str, Any]], *columns: str) -> Counter[tuple[Any, ...]]:
    """The tickets of a query's rows, summed over the rows that share the values of `columns`."""
    summed: Counter[tuple[Any, ...]] = Counter()
    for row in rows:
        summed[tuple(row[column] for column in columns)] += row["tickets"]
    return summed


def summary_text(summary: dict[str, list[dict[str, Any]]], problems: int) -> str:
    lines = []
    for row in summary["by_version"]:
        attainment = "—" if row["attainment"] is None else f"{row['attainment']:.0%}"
        lines.append(
            f"version {row['version']}: {row['tickets']} tickets, {row['conformance']:.0%} followed the process "
            f"({row['conformant']}), time goals met {attainment}, {row['returned_tickets']} returned, "
            f"hand-overs complete {row['complete_handovers']} of {row['handovers']}, "
            f"insights reached their owner {row['insights_reached']} of {row['insights']}"
        )
    posted = totals(summary["channels"], "version", "channel")
    for version in (row["version"] for row in summary["by_version"]):
        counts = [f"{channel} {tickets}" for (v, channel), tickets in sorted(posted.items()) if v == version]
        if counts:
            lines.append(f"  posted in (version {version}): {', '.join(counts)}")
    for row in summary["deviations"][:10]:
        lines.append(f"  {row['tickets']} × {row['why_pattern']} (e.g. {row['example']}, version {row['version']})")
    for row in summary["time_in_tier"]:
        lines.append(
            f"  time at {row['tier']} (version {row['version']}): median {row['median_hours']:.1f} h, "
            f"p90 {row['p90_hours']:.1f} h over {row['tickets']} tickets"
        )
    if not summary["by_version"]:
        lines.append("no ticket history was judged")
    if problems:
        lines.append(
            f"{problems} {'history' if problems == 1 else 'histories'} could not be read (see the errors above)"
        )
    return "\n".join(lines) + "\n"


def summary_json(summary: dict[str, list[dict[str, Any]]]) -> str:
    return json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
