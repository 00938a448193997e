"""The report's tables, row by row from the verdicts: CSV for people and spreadsheets, Parquet (by pyarrow) for
DuckDB and a data team's warehouse. Whoever judges (a worker on a piece of the file, or this process) turns its
rows into Arrow columns and sends them on as frames; `ParquetTable` writes the frames into the table's Parquet
file as they come, in fixed row groups, so the file is the same byte for byte however the work was cut up, and
the summary only reads it (no CSV is parsed again)."""

from __future__ import annotations

import csv
import io
import struct
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from functools import cache
from pathlib import Path
from typing import IO, Any, BinaryIO

from .lived import Verdict
from .xes import XES_END, XES_HEADER, trace

# Each table: its columns and their SQL types, in order (the CSV's header, the Parquet file's schema).
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
    "notifications": (
        ("key", "VARCHAR"),
        ("version", "VARCHAR"),
        ("created", "TIMESTAMPTZ"),
        ("channel", "VARCHAR"),
    ),
}
ROW_GROUP = 122_880  # rows: DuckDB's own row group size, a good size for its readers
_FRAME_TICKETS = 8192  # a judge sends its rows on at least this often, so that they never pile up
_LENGTH = struct.Struct("<Q")  # before each frame: its length


def _flag(value: bool | None) -> str | None:
    return None if value is None else "true" if value else "false"


def _arrow_type(kind: str) -> Any:
    import pyarrow as pa

    return {
        "VARCHAR": pa.string(),
        "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
        "BOOLEAN": pa.bool_(),
        "INTEGER": pa.int32(),
        "DOUBLE": pa.float64(),
    }[kind]


@cache
def schema(name: str) -> Any:
    """Table `name`'s Arrow schema."""
    import pyarrow as pa

    return pa.schema([(column, _arrow_type(kind)) for column, kind in TABLES[name]])


def _column(values: Sequence[Any], kind: Any) -> Any:
    """One column as Arrow type `kind`: times and flags are written as the CSV writes them (ISO text, true/false),
    and made their type by Arrow, which reads the offsets of ISO times."""
    import pyarrow as pa

    if pa.types.is_timestamp(kind) or pa.types.is_boolean(kind):
        return pa.array(values, pa.string()).cast(kind)
    return pa.array(values, kind)


class TableWriter:
    """Verdicts as rows of the tables, into the outputs `table_files` opened: frames of Arrow columns into the
    first (one binary stream per table, in `TABLES` order), then, `with_csv`, CSV rows, and `with_xes` the event
    log's traces."""

    def __init__(self, outs: Sequence[IO[bytes]], with_csv: bool = False, with_xes: bool = False) -> None:
        self._frames = outs[: len(TABLES)]
        self._texts = [io.TextIOWrapper(out, encoding="utf-8", newline="") for out in outs[len(TABLES) :]]
        self._csv = [csv.writer(text, lineterminator="\n") for text in self._texts[: len(TABLES)]] if with_csv else []
        self._xes = self._texts[-1] if with_xes else None
        self._rows: tuple[list[tuple[Any, ...]], ...] = tuple([] for _ in TABLES)
        self._tickets = 0

    def add(self, v: Verdict) -> None:
        tickets, clocks, tier_times, events, deviations, notifications = self._rows
        created = v.created.isoformat()
        tickets.append(
            (
                v.key,
                v.version,
                created,
                v.category,
                v.urgency,
                v.impact,
                v.expected_priority,
                v.actual_priority,
                v.expected_route,
                v.trigger,
                ">".join(v.tiers),
                _flag(v.conformant),
                v.returns,
                v.waiting_seconds,
                _flag(None if v.handover_missing is None else not v.handover_missing),
                _flag(v.insight_reached),
                v.resolved.isoformat() if v.resolved else None,
            )
        )
        for name, clock in v.clocks.items():
            clocks.append(
                (v.key, v.version, created, v.expected_priority, name, clock["due"], clock["stopped"], clock["state"])
            )
        tier_times += [(v.key, v.version, tier, seconds) for tier, seconds in v.time_in_tier.items()]
        steps = v.events()
        stamps = [when.isoformat() for when, _ in steps]
        events += [
            (v.key, v.version, step, activity, stamp)
            for step, ((_, activity), stamp) in enumerate(zip(steps, stamps, strict=True))
        ]
        deviations += [(v.key, v.version, kind, pattern, why) for kind, pattern, why in v.deviations]
        notifications += [(v.key, v.version, created, channel) for channel in v.notify]
        if self._xes:
            self._xes.write(trace(v, steps, stamps))
        self._tickets += 1
        if self._tickets == _FRAME_TICKETS:
            self._send()

    def _send(self) -> None:
        """The rows so far: a frame of Arrow columns to each table's stream, and CSV rows (None is written empty)."""
        import pyarrow as pa

        for name, rows, out, write in zip(
            TABLES, self._rows, self._frames, self._csv or [None] * len(TABLES), strict=True
        ):
            if write is not None:
                write.writerows(rows)
            table = schema(name)
            values = zip(*rows, strict=True) if rows else ([] for _ in table)
            batch = pa.record_batch([_column(v, f.type) for v, f in zip(values, table, strict=True)], schema=table)
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, table) as stream:
                stream.write_batch(batch)
            frame = sink.getvalue()
            out.write(_LENGTH.pack(frame.size))
            out.write(frame)
            rows.clear()
        self._tickets = 0

    def close(self) -> None:
        """Everything added, written; the streams stay open for whoever owns them."""
        self._send()
        for text in self._texts:
            text.detach()  # flushed first


class ParquetTable(io.RawIOBase):
    """A table's Parquet file, written from the frames written to this stream, in input order, in row groups of
    `ROW_GROUP` rows (the last one smaller)."""

    def __init__(self, path: Path, name: str) -> None:
        import pyarrow.parquet as pq

        super().__init__()
        self._writer = pq.ParquetWriter(path, schema(name))
        self._bytes = bytearray()
        self._batches: list[Any] = []
        self._pending = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        import pyarrow as pa

        self._bytes += data
        while len(self._bytes) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self._bytes)
            if len(self._bytes) < _LENGTH.size + size:
                break
            frame = pa.py_buffer(bytes(self._bytes[_LENGTH.size : _LENGTH.size + size]))
            del self._bytes[: _LENGTH.size + size]
            for batch in pa.ipc.open_stream(frame):
                self._batches.append(batch)
                self._pending += batch.num_rows
            while self._pending >= ROW_GROUP:
                self._write(ROW_GROUP)
        return len(data)

    def _write(self, rows: int) -> None:
        """The first `rows` rows waiting, as one row group (its columns made whole: the bytes written do not
        depend on how the rows came)."""
        import pyarrow as pa

        waiting = pa.Table.from_batches(self._batches)
        self._writer.write_table(waiting.slice(0, rows).combine_chunks(), row_group_size=rows)
        rest = waiting.slice(rows)
        self._batches, self._pending = rest.to_batches(), rest.num_rows

    def close(self) -> None:
        if not self.closed:
            if self._pending:
                self._write(self._pending)
            self._writer.close()
        super().close()


@contextmanager
def table_files(directory: Path, with_csv: bool = False, with_xes: bool = False) -> Iterator[list[BinaryIO]]:
    """The tables' Parquet files in `directory` (in `TABLES` order), then, `with_csv`, their CSV files, headers
    written, and `with_xes` the histories as XES (events.xes) for process-mining tools, its start and end
    written around what is added: the outputs of a `TableWriter`."""
    with ExitStack() as files:
        opened: list[Any] = [files.enter_context(ParquetTable(directory / f"{name}.parquet", name)) for name in TABLES]
        for name, columns in TABLES.items() if with_csv else ():
            opened.append(files.enter_context((directory / f"{name}.csv").open("wb")))
            opened[-1].write((",".join(column for column, _ in columns) + "\n").encode())
        if with_xes:
            opened.append(files.enter_context((directory / "events.xes").open("wb")))
            opened[-1].write(XES_HEADER.encode())
        for file in opened:
            file.flush()  # written before the fork of any worker
        yield opened
        if with_xes:
            opened[-1].write(XES_END.encode())


def write_all(verdicts: Iterable[Verdict], directory: Path, with_csv: bool = False, with_xes: bool = False) -> None:
    """The tables of `verdicts` in `directory` (see `table_files`)."""
    with table_files(directory, with_csv, with_xes) as files:
        writer = TableWriter(files, with_csv, with_xes)
        for verdict in verdicts:
            writer.add(verdict)
        writer.close()
