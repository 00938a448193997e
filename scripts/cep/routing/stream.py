"""Routing JSON Lines: line by line in this process, or, for a large file, in pieces on every core (the workers
are forked after the process definition is loaded, so they share the model and the router)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import BinaryIO, TextIO

from ..parallel.pieces import split_work
from ..problems import Problem
from .encode import LineEncoder, reference_line
from .tickets import TicketParser


def write_jsonl(
    encoder: LineEncoder,
    lines: Iterable[bytes],
    name: str,
    at: datetime | None,
    out: BinaryIO,
    err: TextIO,
    first: int = 1,
) -> int:
    """Route JSON Lines (the first being line `first` of NAME) to `out` (UTF-8), problems to `err`; returns how
    many problems there were."""
    problems = 0
    parser = TicketParser(encoder.router.process)
    for number, raw in enumerate(lines, start=first):
        if at is None:  # most lines hold a ticket at triage: routed straight from its fields
            triage = parser.triage(raw)
            routed = encoder.triage_line(triage) if triage is not None else None
            if routed is not None:
                out.write(routed)
                continue
            item = parser.read_json(raw, number, name) if triage is None else parser.read(raw, number, name)
        else:
            item = parser.read(raw, number, name)
        if item is None:
            continue
        if isinstance(item, Problem):
            err.write(f"{item}\n")
            problems += 1
        elif at is None:
            out.write(encoder.line(item))
        else:
            out.write(reference_line(encoder.router.route(item, at)))
    return problems


def write_jsonl_split(
    encoder: LineEncoder, stream: BinaryIO, name: str, at: datetime | None, jobs: int, out: TextIO, err: TextIO
) -> int:
    """`write_jsonl` of a regular file by `jobs` forked workers (`parallel.pieces`), output and problems in input
    order."""

    def route(lines: BinaryIO, first: int, outs: Sequence[BinaryIO], problems: TextIO) -> int:
        return write_jsonl(encoder, lines, name, at, outs[0], problems, first)

    return split_work(route, stream, jobs, [out.buffer], err, "cep route")
