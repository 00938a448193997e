"""Routing JSON Lines: line by line in this process, or, for a large file, in pieces on every core.

Workers are forked after the process definition is loaded, so they share the model and the router instead of
loading or pickling them; pieces come back in input order, so the output and the problems (with their line
numbers) are the same as routing alone.
"""

from __future__ import annotations

import functools
import io
import json
import mmap
import os
import signal
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, BinaryIO, TextIO

from .problems import Problem
from .routing import Router, decision_json
from .tickets import TicketParser

if TYPE_CHECKING:  # imported where the pool starts: a small input should not pay for it
    from concurrent.futures import Executor, Future


def write_jsonl(
    router: Router, lines: Iterable[bytes], name: str, at: datetime | None, out: BinaryIO, err: TextIO, first: int = 1
) -> bool:
    """Route JSON Lines (the first being line `first` of NAME) to `out` (UTF-8), problems to `err`; True if any."""
    failed = False
    parser = TicketParser(router.process)
    for number, raw in enumerate(lines, start=first):
        if at is None:  # most lines hold a ticket at triage: routed straight from its fields
            triage = parser.triage(raw)
            routed = router.triage_line(triage) if triage is not None else None
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
            failed = True
        elif at is None:
            out.write(router.line(item))
        else:
            out.write(json.dumps(decision_json(router.route(item, at)), ensure_ascii=False).encode() + b"\n")
    return failed


_SPLIT_FROM = 1 << 20  # bytes: below this, starting workers costs more than it saves
_PIECES_PER_JOB = 8  # small enough pieces that the workers finish together and output starts early
_PIECE_MOST = 4 << 20  # bytes: on a huge file, pieces this big...
_AHEAD = 4  # ...and this many per worker in flight bound the memory used
_Piece = tuple[int, bytes]  # the number of its first line, and its lines
_Routed = tuple[bytes, str, bool]  # a piece's output, problems, and whether it had any
_worker_router: Router | None = None  # a worker's router, inherited from the parent when the worker forks


def default_jobs() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def worth_splitting(stream: BinaryIO, jobs: int) -> bool:
    """A regular file of some size (a pipe is routed as it comes), more than one core, and fork to share the
    loaded process with the workers."""
    if jobs < 2 or not hasattr(os, "fork"):
        return False
    try:
        status = os.fstat(stream.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        return False
    return stat.S_ISREG(status.st_mode) and status.st_size - stream.tell() >= _SPLIT_FROM


def _pieces(data: bytes | mmap.mmap, size: int, start: int = 0) -> Iterator[_Piece]:
    """`data` from `start` cut at line ends into pieces of about `size` bytes, each with its first line's
    number (counted from `start`)."""
    line = 1
    while start < len(data):
        cut = data.find(b"\n", start + size)
        end = len(data) if cut < 0 else cut + 1
        piece = data[start:end]
        yield line, piece
        line += piece.count(b"\n")
        start = end


def _adopt(router: Router) -> None:
    global _worker_router
    _worker_router = router
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C stops a worker at once, without a traceback


def _route_piece(piece: _Piece, name: str, at: datetime | None) -> _Routed:
    assert _worker_router is not None, "set by _adopt when the worker starts"
    out, err = io.BytesIO(), io.StringIO()
    failed = write_jsonl(_worker_router, io.BytesIO(piece[1]), name, at, out, err, piece[0])
    return out.getvalue(), err.getvalue(), failed


def _in_order(
    workers: Executor, route: Callable[[_Piece], _Routed], pieces: Iterable[_Piece], ahead: int
) -> Iterator[_Routed]:
    """`workers.map(route, pieces)` with at most `ahead` pieces in flight, so a huge file is not all in memory
    at once (map would take every piece at the start)."""
    pending: deque[Future[_Routed]] = deque()
    for piece in pieces:
        pending.append(workers.submit(route, piece))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def write_jsonl_split(
    router: Router, stream: BinaryIO, name: str, at: datetime | None, jobs: int, out: TextIO, err: TextIO
) -> bool:
    """`write_jsonl` of a regular file by `jobs` forked workers, piece by piece; output and problems come out in
    input order."""
    import multiprocessing  # here: a small input should not pay for importing these
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    failed = finished = False
    route = functools.partial(_route_piece, name=name, at=at)
    fork = multiprocessing.get_context("fork")
    out.flush()
    workers = ProcessPoolExecutor(jobs, mp_context=fork, initializer=_adopt, initargs=(router,))
    try:
        start = stream.tell()  # where this file is read from: not always its start (`(head -1; cep route) < f`)
        with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
            size = min(max((len(data) - start) // (jobs * _PIECES_PER_JOB), 1), _PIECE_MOST)
            for piece_out, piece_err, piece_failed in _in_order(
                workers, route, _pieces(data, size, start), jobs * _AHEAD
            ):
                out.buffer.write(piece_out)
                err.write(piece_err)
                failed |= piece_failed
        stream.seek(0, os.SEEK_END)  # read to the end, as routing line by line would leave it
        finished = True
    except BrokenProcessPool:  # a worker was killed: say so rather than wait for it forever
        err.write("cep route: error: a worker process stopped before routing its piece; the output is incomplete\n")
        failed = True
    finally:
        # Done: wait for the idle workers to exit (not waiting races the interpreter's exit hook, which then
        # prints an OSError). Stopped by Ctrl-C or a killed worker: drop the pieces not started and go.
        workers.shutdown(wait=finished, cancel_futures=True)
    return failed
