"""The report's tables and figures: per-ticket verdicts written as CSV, made Parquet and summed up by DuckDB with
the SQL files in `sql/` (portable SQL, so a data team can run the same queries on their warehouse)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any, TextIO

from .lived import Verdict
from .xes import XES_END, XES_HEADER, trace

QUERIES = ("by_version", "attainment", "volume", "time_in_tier", "deviations")
# Each table: its columns and their SQL types, in order (the CSV's header, DuckDB's schema for it).
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "tickets": (
        ("key", "VARCHAR"),
        ("version", "VARCHAR"),
        ("created", "TIMESTAMPTZ"),
        ("category", "VARCHAR"),
        ("urgency", "VARCHAR"),
        ("impact", "VARCHAR"),
        ("expected_priority", "VARCHAR"),
        ("actual_priority", "VARCHAR"),
        ("expected_route", "VARCHAR"),
        ("trigger", "VARCHAR"),
        ("tiers", "VARCHAR"),
        ("conformant", "BOOLEAN"),
        ("returns", "INTEGER"),
        ("waiting_seconds", "DOUBLE"),
        ("handover_complete", "BOOLEAN"),
        ("insight_reached", "BOOLEAN"),
        ("resolved", "TIMESTAMPTZ"),
    ),
    "clocks": (
        ("key", "VARCHAR"),
        ("version", "VARCHAR"),
        ("created", "TIMESTAMPTZ"),
        ("priority", "VARCHAR"),
        ("clock", "VARCHAR"),
        ("due", "TIMESTAMPTZ"),
        ("stopped", "TIMESTAMPTZ"),
        ("state", "VARCHAR"),
    ),
    "tier_times": (("key", "VARCHAR"), ("version", "VARCHAR"), ("tier", "VARCHAR"), ("seconds", "DOUBLE")),
    "events": (
        ("key", "VARCHAR"),
        ("version", "VARCHAR"),
        ("step", "INTEGER"),
        ("activity", "VARCHAR"),
        ("happened", "TIMESTAMPTZ"),
    ),
    "deviations": (
        ("key", "VARCHAR"),
        ("version", "VARCHAR"),
        ("kind", "VARCHAR"),
        ("why_pattern", "VARCHAR"),
        ("why", "VARCHAR"),
    ),
}


def _flag(value: bool | None) -> str:
    return "" if value is None else "true" if value else "false"


class TableWriter:
    """The verdicts, row by row, as CSV: one text stream per table (in `TABLES` order), and maybe one more for the
    event log's traces."""

    def __init__(self, streams: Sequence[TextIO]) -> None:
        tables, xes = streams[: len(TABLES)], streams[len(TABLES) :]
        self._rows = {
            name: csv.writer(stream, lineterminator="\n") for name, stream in zip(TABLES, tables, strict=True)
        }
        self._xes = xes[0] if xes else None

    def add(self, v: Verdict) -> None:
        created = v.created.isoformat()
        self._rows["tickets"].writerow(
            [
                v.key,
                v.version,
                created,
                v.category,
                v.urgency,
                v.impact,
                v.expected_priority,
                v.actual_priority or "",
                v.expected_route,
                v.trigger or "",
                ">".join(v.tiers),
                _flag(v.conformant),
                v.returns,
                v.waiting_seconds,
                _flag(None if v.handover_missing is None else not v.handover_missing),
                _flag(v.insight_reached),
                v.resolved.isoformat() if v.resolved else "",
            ]
        )
        clocks = self._rows["clocks"]
        for name, clock in v.clocks.items():
            clocks.writerow(
                [
                    v.key,
                    v.version,
                    created,
                    v.expected_priority,
                    name,
                    clock["due"] or "",
                    clock["stopped"] or "",
                    clock["state"],
                ]
            )
        for tier, seconds in v.time_in_tier.items():
            self._rows["tier_times"].writerow([v.key, v.version, tier, seconds])
        for step, (when, activity) in enumerate(v.events):
            self._rows["events"].writerow([v.key, v.version, step, activity, when.isoformat()])
        for kind, pattern, why in v.deviations:
            self._rows["deviations"].writerow([v.key, v.version, kind, pattern, why])
        if self._xes:
            self._xes.write(trace(v))


def query_text(name: str) -> str:
    return (files(__package__) / "sql" / f"{name}.sql").read_text(encoding="utf-8")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _path(directory: Path, name: str) -> str:
    """Where table `name` is, without its suffix, as an SQL string's content."""
    return str(directory / name).replace("'", "''")  # a path is data in SQL too


def _source(directory: Path, name: str, parquet: bool) -> str:
    """How DuckDB reads table `name` in `directory`: its Parquet file, or its CSV with the table's types."""
    path = _path(directory, name)
    if parquet:
        return f"read_parquet('{path}.parquet')"
    types = ", ".join(f"'{column}': '{kind}'" for column, kind in TABLES[name])
    return f"read_csv('{path}.csv', header = true, columns = {{{types}}})"


def open_tables(directory: Path, names: Iterable[str] = TABLES) -> Any:
    """A DuckDB connection with a view of each table in `directory` (Parquet where written, else CSV)."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")  # weeks and days are cut in UTC, whatever the machine's zone
    for name in names:
        parquet = (directory / f"{name}.parquet").is_file()
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM {_source(directory, name, parquet)}")
    return con


def summarise(directory: Path, parquet: bool) -> dict[str, list[dict[str, Any]]]:
    """Every query's rows over the tables in `directory` (CSV, made Parquet there first when `parquet`). Tables are
    made Parquet, and queries run, two at a time: one alone leaves DuckDB's threads partly idle."""
    import duckdb

    if parquet:
        with duckdb.connect() as con:
            copy = "COPY (SELECT * FROM {}) TO '{}.parquet' (FORMAT parquet)"
            _two_at_a_time(con, [copy.format(_source(directory, t, False), _path(directory, t)) for t in TABLES])
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


@contextmanager
def table_files(directory: Path, event_log: bool = False) -> Iterator[list[TextIO]]:
    """The tables' CSV files in `directory`, their headers written (in `TABLES` order), and with `event_log` the
    histories as XES (events.xes) for process-mining tools, its start and end written around what is added."""
    with ExitStack() as files:
        opened: list[TextIO] = []
        for name, columns in TABLES.items():
            opened.append(files.enter_context((directory / f"{name}.csv").open("w", encoding="utf-8", newline="")))
            opened[-1].write(",".join(column for column, _ in columns) + "\n")
        if event_log:
            opened.append(files.enter_context((directory / "events.xes").open("w", encoding="utf-8")))
            opened[-1].write(XES_HEADER)
        for file in opened:
            file.flush()  # written before what is added to each file's binary stream
        yield opened
        if event_log:
            opened[-1].write(XES_END)


def write_all(verdicts: Iterable[Verdict], directory: Path, event_log: bool = False) -> None:
    """The tables of `verdicts` in `directory` (see `table_files`)."""
    with table_files(directory, event_log) as files:
        writer = TableWriter(files)
        for verdict in verdicts:
            writer.add(verdict)
