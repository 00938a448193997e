"""`cep report`: ticket histories in, each judged against the process version in force when it was created; out,
one verdict per ticket (JSON Lines), or the tables (CSV and Parquet) and their summary (text or JSON)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from ..definition.model import Process
from ..problems import Location, Problem, UsageError
from ..routing.tickets import parse_moment
from .aggregate import summarise, summary_json, summary_text, write_all
from .history import Read, read_histories
from .lived import BadHistory, Reader, Verdict, _moment
from .mapping import SiteNames, load_mapping
from .versions import InForce

PROGRESS_EVERY = 10_000


class Report:
    """Reads histories, judges each, and counts what could not be read."""

    def __init__(
        self, path: Path, current: Process, schema: Path | None, at: datetime, err: TextIO, site: SiteNames | None
    ) -> None:
        self.in_force = InForce(path, current, schema)
        self.site = site
        self.readers: dict[str, Reader] = {}
        self.at, self.err = at, err
        self.problems = 0
        self.progress = err.isatty()

    def _reader(self, read: Read) -> Reader:
        created = read.issue.fields.get("created")
        version, process = self.in_force.at(_moment(created, "created"))
        if version not in self.readers:
            self.readers[version] = Reader(process, version, self.site)
        return self.readers[version]

    def _problem(self, problem: Problem) -> None:
        self.problems += 1
        print(problem, file=self.err)

    def verdicts(self, inputs: list[Path]) -> Iterator[Verdict]:
        count = 0
        for path in inputs:
            try:
                for item in read_histories(path, str(path)):
                    if isinstance(item, Problem):
                        self._problem(item)
                        continue
                    try:
                        yield self._reader(item).judge(item, self.at)
                    except BadHistory as bad:
                        self._problem(Problem(Location(item.source, item.line or 0), f"issue {item.issue.key}: {bad}"))
                    count += 1
                    if self.progress and count % PROGRESS_EVERY == 0:
                        print(f"\rcep report: {count:,} histories judged", end="", file=self.err, flush=True)
            except OSError as error:
                raise UsageError(f"{path}: error: cannot read: {error.strerror or error}") from None
        if self.progress and count >= PROGRESS_EVERY:
            print(file=self.err)


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
) -> int:
    try:
        at = parse_moment(at_text, "--at") if at_text else datetime.now(UTC).replace(microsecond=0)
    except ValueError as error:
        raise UsageError(f"cep report: error: {error}") from None
    for path in inputs:
        if not path.is_file():
            raise UsageError(f"{path}: error: cannot read: not a file")
    site = load_mapping(mapping, process) if mapping else None
    report = Report(process_path, process, schema, at, err, site)
    if fmt == "jsonl":
        for verdict in report.verdicts(inputs):
            out.write(json.dumps(verdict.record(), ensure_ascii=False, sort_keys=True) + "\n")
        return 1 if report.problems else 0

    def tables(directory: Path) -> bool:
        write_all(report.verdicts(inputs), directory, event_log=out_dir is not None)
        summary = summarise(directory, parquet=out_dir is not None)
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
