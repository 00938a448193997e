"""`cep route`: JSON Lines in, one decision per ticket out (JSON Lines or a table); bad lines reported, not fatal."""

from __future__ import annotations

import gc
import sys
from typing import TextIO

from ..definition.model import Process
from ..parallel.pieces import worth_splitting
from ..problems import Problem, UsageError
from .encode import LineEncoder
from .router import Decision, Router
from .stream import write_jsonl, write_jsonl_split
from .tickets import parse_moment, read_tickets

_COLUMNS = ("id", "route", "priority", "trigger", "first response due", "resolution / review due", "missing")


def _row(decision: Decision) -> tuple[str, ...]:
    short = lambda moment: moment.strftime("%a %Y-%m-%d %H:%M %z") if moment else "—"  # noqa: E731
    due = decision.due.get("resolution", decision.due.get("review"))
    return (
        decision.ticket,
        decision.route,
        decision.priority,
        decision.trigger or "—",
        short(decision.due["first_response"]),
        short(due),
        ", ".join(decision.missing_fields) or "—",
    )


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [_COLUMNS, *rows]) for i in range(len(_COLUMNS))]
    line = lambda r: "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()  # noqa: E731
    return "\n".join([line(_COLUMNS), line(tuple("-" * w for w in widths)), *map(line, rows)]) + "\n"


def run_route(
    process: Process, source: str, at_text: str | None, fmt: str | None, jobs: int, out: TextIO, err: TextIO
) -> int:
    try:
        at = parse_moment(at_text, "--at") if at_text else None
    except ValueError as error:
        raise UsageError(f"cep route: error: {error}") from None
    fmt = fmt or ("table" if out.isatty() else "jsonl")
    name = "<stdin>" if source == "-" else source
    try:
        stream = sys.stdin.buffer if source == "-" else open(source, "rb")  # noqa: SIM115
    except OSError as error:
        raise UsageError(f"{source}: error: cannot read: {error.strerror}") from None
    router = Router(process)
    encoder = LineEncoder(router)
    gc.freeze()  # the process and router live until exit: spare the collector walking them again and again
    with stream:
        if fmt == "jsonl" and worth_splitting(stream, jobs):
            failed = write_jsonl_split(encoder, stream, name, at, jobs, out, err)
        elif fmt == "jsonl":
            out.flush()
            failed = write_jsonl(encoder, stream, name, at, out.buffer, err)
        else:
            failed, rows = False, []
            for item in read_tickets(stream, name, process):
                if isinstance(item, Problem):
                    err.write(f"{item}\n")
                    failed = True
                else:
                    rows.append(_row(router.route(item, at)))
            out.write(_table(rows))
    return 1 if failed else 0
