"""`cep report`: ticket histories in, each judged against the process version in force when it was created; out,
one verdict per ticket (JSON Lines), or the tables (CSV and Parquet) and their summary (text or JSON). A large
file of JSON Lines is judged in pieces on every core (`parallel.pieces`), its output the same byte for byte."""

from __future__ import annotations

import gc
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import BinaryIO, Protocol, TextIO

from ..definition.model import Process
from ..parallel.pieces import SPLIT_FROM, split_work
from ..problems import Location, Problem, UsageError, did_you_mean
from ..routing.tickets import parse_moment
from .aggregate import summarise, summary_json, summary_text
from .history import Read, is_json_lines, read_histories, read_lines
from .lived import BadHistory, Reader, Verdict, _moment
from .mapping import SiteNames, load_mapping
from .tables import TableWriter, table_files
from .versions import InForce


class Sink(Protocol):
    """What a piece of work writes its verdicts with."""

    def add(self, verdict: Verdict) -> None: ...

    def close(self) -> None:
        """Everything added, written; the outputs stay open for whoever owns them."""


Render = Callable[[Sequence[BinaryIO]], Sink]
"""Given the outputs of a piece of work, what writes its verdicts into them."""


class JsonLines:
    """One JSON line per verdict (`cep report --format jsonl`)."""

    def __init__(self, outs: Sequence[BinaryIO]) -> None:
        self._write = outs[0].write

    def add(self, verdict: Verdict) -> None:
        self._write((json.dumps(verdict.record(), ensure_ascii=False, sort_keys=True) + "\n").encode())

    def close(self) -> None:
        pass  # each line is written whole


class Report:
    """Reads histories, judges each, writes what `render` makes of it, and counts what could not be read."""

    def __init__(
        self,
        path: Path,
        current: Process,
        schema: Path | None,
        at: datetime,
        err: TextIO,
        site: SiteNames | None,
        jobs: int,
    ) -> None:
        self.in_force = InForce(path, current, schema)
        # Every version's reader made here, before any worker is forked: they share them instead of each making its own.
        self.readers = {version: Reader(process, version, site) for _, version, process in self.in_force.versions}
        self.at, self.err, self.jobs = at, err, jobs
        self.problems = 0
        self.notes = io.BytesIO()  # statuses the process does not know (see `_judge`)

    def _reader(self, read: Read) -> Reader:
        return self.readers[self.in_force.at(_moment(read.issue.fields.get("created"), "created"))[0]]

    def _judge(self, items: Iterable[Read | Problem], outs: Sequence[BinaryIO], render: Render, err: TextIO) -> int:
        """Judge `items`, rendering each verdict into `outs` but the last, where statuses the process does not know
        are noted (a JSON line each: the status, the issue's key); returns how many could not be judged."""
        problems = 0
        sink, notes = render(outs[:-1]), outs[-1]
        for item in items:
            if isinstance(item, Problem):
                problem = item
            else:
                try:
                    verdict = self._reader(item).judge(item, self.at)
                    sink.add(verdict)
                    for status in verdict.unknown_statuses:
                        notes.write((json.dumps([status, verdict.key]) + "\n").encode())
                    continue
                except BadHistory as bad:
                    problem = Problem(Location(item.source, item.line or 0), f"issue {item.issue.key}: {bad}")
            err.write(f"{problem}\n")
            problems += 1
        sink.close()
        return problems

    def _judge_lines(
        self, name: str, render: Render, lines: BinaryIO, first: int, outs: Sequence[BinaryIO], err: TextIO
    ) -> int:
        return self._judge(read_lines(lines, name, first), outs, render, err)

    def write(self, inputs: list[Path], outs: Sequence[BinaryIO], render: Render) -> None:
        """Every input's verdicts, rendered into `outs` in input order; then what the process does not know."""
        outs = [*outs, self.notes]
        gc.freeze()  # the process versions and their routers live until exit: the collector need not walk them
        for path in inputs:
            name = str(path)
            try:
                with path.open("rb") as stream:
                    if os.fstat(stream.fileno()).st_size >= SPLIT_FROM and is_json_lines(stream):
                        work = partial(self._judge_lines, name, render)
                        with self._progress(name) as progress:
                            self.problems += split_work(work, stream, self.jobs, outs, self.err, "cep report", progress)
                        continue
                self.problems += self._judge(read_histories(path, name), outs, render, self.err)
            except OSError as error:
                raise UsageError(f"{path}: error: cannot read: {error.strerror or error}") from None
        self._warn_unknown_statuses()

    def _warn_unknown_statuses(self) -> None:
        """One warning for every status the process does not know: how many tickets, one of them, a hint."""
        tickets: dict[str, list[str]] = {}
        for line in self.notes.getvalue().decode().splitlines():
            status, key = json.loads(line)
            tickets.setdefault(status, []).append(key)
        if not tickets:
            return
        known = sorted(set().union(*(reader.known_statuses for reader in self.readers.values())))
        listed = []
        for status, keys in sorted(tickets.items()):
            hint = did_you_mean(status, known)
            many = f"{len(keys):,} ticket{'s' if len(keys) > 1 else ''}"
            listed.append(f"{status!r} ({many}, e.g. {keys[0]}{'; ' + hint if hint else ''})")
        self.err.write(
            f"cep report: warning: statuses the process does not know, read as no change of tier: {', '.join(listed)}; "
            "if one means a tier, waiting, returned, resolved or closed, name it in a mapping file (--mapping, under "
            f"statuses); the process knows {', '.join(known)}\n"
        )

    @contextmanager
    def _progress(self, name: str) -> Iterator[Callable[[int, int], None]]:
        """A progress bar of the file judged (tqdm) on a terminal; nothing elsewhere, as in CI."""
        from tqdm import tqdm

        with tqdm(
            desc=f"cep report: {name}", unit="B", unit_scale=True, file=self.err, disable=not self.err.isatty()
        ) as bar:

            def show(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            yield show


def run_report(
    process_path: Path,
    process: Process,
    schema: Path | None,
    inputs: list[Path],
    at_text: str | None,
    fmt: str,
    out_dir: Path | None,
    out: TextIO,
    err: TextIO,
    mapping: Path | None = None,
    jobs: int = 1,
) -> int:
    try:
        at = parse_moment(at_text, "--at") if at_text else datetime.now(UTC).replace(microsecond=0)
    except ValueError as error:
        raise UsageError(f"cep report: error: {error}") from None
    for path in inputs:
        if not path.is_file():
            raise UsageError(f"{path}: error: cannot read: not a file")
    site = load_mapping(mapping, process) if mapping else None
    report = Report(process_path, process, schema, at, err, site, jobs)
    if fmt == "jsonl":
        out.flush()
        report.write(inputs, [out.buffer], JsonLines)
        return 1 if report.problems else 0

    def tables(directory: Path) -> bool:
        kept = out_dir is not None  # the CSV and the event log are for whoever reads the folder
        with table_files(directory, with_csv=kept, with_xes=kept) as files:
            report.write(inputs, files, partial(TableWriter, with_csv=kept, with_xes=kept))
        summary = summarise(directory)
        if out_dir is not None:
            (directory / "summary.json").write_text(summary_json(summary), encoding="utf-8")
            (directory / "summary.txt").write_text(summary_text(summary, report.problems), encoding="utf-8")
        out.write(summary_json(summary) if fmt == "json" else summary_text(summary, report.problems))
        return True

    if out_dir is not None:
        from ..output import replace_directory

        replace_directory(out_dir, "cep report", tables, keep=(process_path,))
    else:
        with tempfile.TemporaryDirectory(prefix="cep-report-") as work:
            tables(Path(work))
    return 1 if report.problems else 0
