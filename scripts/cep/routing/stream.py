"""Routing JSON Lines: line by line in this process, or, for a large file, in pieces on every core.

Workers are forked after the process definition is loaded and the file is mapped into memory, so they share the
model, the router and the file instead of loading, pickling or sending them. Worker k routes pieces k, k + jobs,
k + 2 jobs, ... and sends each piece's output back through its own pipe; this process reads the pipes in turn,
so the output and the problems (with their line numbers) come out as routing alone would write them.
"""

from __future__ import annotations

import contextlib
import io
import mmap
import os
import signal
import stat
import struct
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import BinaryIO, TextIO

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
) -> bool:
    """Route JSON Lines (the first being line `first` of NAME) to `out` (UTF-8), problems to `err`; True if any."""
    failed = False
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
            failed = True
        elif at is None:
            out.write(encoder.line(item))
        else:
            out.write(reference_line(encoder.router.route(item, at)))
    return failed


_SPLIT_FROM = 1 << 20  # bytes: below this, starting workers costs more than it saves
_PIECES_PER_JOB = 8  # small enough pieces that the workers finish together and output starts early
_PIECE_MOST = 4 << 20  # bytes: on a huge file, pieces this big bound the memory a worker uses
_HEADER = struct.Struct("<QQ?")  # before each piece's output: its length, its problems' length, whether any
_Piece = tuple[int, int, int]  # the number of its first line, and where it starts and ends in the file
_PIPE_SIZE = 1 << 20  # bytes: the most an unprivileged process may ask for, by default
_STOPPED = "cep route: warning: a worker process was stopped ({}); its pieces were routed without it\n"


class WorkerStopped(Exception):
    """A worker's pipe ended before the piece it owed: the worker was killed or failed."""


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
        yield line, start, end
        line += data[start:end].count(b"\n")
        start = end


def _work(
    encoder: LineEncoder, data: mmap.mmap, pieces: Iterable[_Piece], name: str, at: datetime | None, pipe: int
) -> None:
    """A worker's life: route its pieces, each sent as a header, its output and its problems; never returns."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C stops a worker at once, without a traceback
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # one that came during the fork is acted on now
    status = 1
    try:
        with open(pipe, "wb") as sink:
            for first, start, end in pieces:
                out, err = io.BytesIO(), io.StringIO()
                failed = write_jsonl(encoder, io.BytesIO(data[start:end]), name, at, out, err, first)
                problems = err.getvalue().encode()
                sink.write(_HEADER.pack(out.tell(), len(problems), failed))
                sink.write(out.getbuffer())
                sink.write(problems)
        status = 0
    finally:
        os._exit(status)  # not the parent's exit path: its buffers and handlers are not the worker's to run


def _fork(
    encoder: LineEncoder, data: mmap.mmap, pieces: list[_Piece], name: str, at: datetime | None
) -> tuple[int, int]:
    """A worker routing `pieces`: its process id and the read end of its pipe."""
    import fcntl  # here: not every system has it, and those without have no fork either

    read, write = os.pipe()
    grow = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux: fewer turns between a worker and this process
    if grow is not None:
        with contextlib.suppress(OSError):  # more than the system allows: keep the pipe as it is
            fcntl.fcntl(write, grow, _PIPE_SIZE)
    # Ctrl-C is held back over the fork, so that the worker meets it with its own handler, never the parent's
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pid = os.fork()
        if pid == 0:
            os.close(read)
            _work(encoder, data, pieces, name, at, write)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    os.close(write)
    return pid, read


def _read(source: BinaryIO, size: int) -> bytes:
    got = source.read(size)
    if len(got) != size:
        raise WorkerStopped
    return got


def write_jsonl_split(
    encoder: LineEncoder, stream: BinaryIO, name: str, at: datetime | None, jobs: int, out: TextIO, err: TextIO
) -> bool:
    """`write_jsonl` of a regular file by `jobs` forked workers, piece by piece; output and problems come out in
    input order. A worker that stops is not the end: its pieces and every later one are routed here, so the
    output is what routing alone writes (and a failure is the one routing alone meets)."""
    failed = False
    start = stream.tell()  # where this file is read from: not always its start (`(head -1; cep route) < f`)
    out.flush()
    err.flush()  # nothing buffered before the fork may be written twice
    workers: list[tuple[int, BinaryIO]] = []
    with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
        size = min(max((len(data) - start) // (jobs * _PIECES_PER_JOB), 1), _PIECE_MOST)
        pieces = list(_pieces(data, size, start))
        done = 0
        try:
            for k in range(min(jobs, len(pieces))):
                pid, read = _fork(encoder, data, pieces[k::jobs], name, at)
                workers.append((pid, os.fdopen(read, "rb")))
            for done in range(len(pieces)):
                source = workers[done % jobs][1]
                out_size, err_size, piece_failed = _HEADER.unpack(_read(source, _HEADER.size))
                out.buffer.write(_read(source, out_size))
                err.write(_read(source, err_size).decode())
                failed |= piece_failed
            done = len(pieces)
        except WorkerStopped:
            pid, source = workers.pop(done % jobs)
            source.close()
            status = os.waitpid(pid, 0)[1]
            if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT:
                raise KeyboardInterrupt from None  # Ctrl-C reached the workers first: stop as routing alone would
            if os.WIFSIGNALED(status):  # killed from outside: say so, the output stays whole
                err.write(_STOPPED.format(signal.Signals(os.WTERMSIG(status)).name))
        finally:
            for pid, source in workers:  # none outlives this: finished, stopped, or Ctrl-C
                if done < len(pieces):
                    os.kill(pid, signal.SIGKILL)
                source.close()
                os.waitpid(pid, 0)
        for first, begin, end in pieces[done:]:
            out.flush()
            failed |= write_jsonl(encoder, io.BytesIO(data[begin:end]), name, at, out.buffer, err, first)
    stream.seek(0, os.SEEK_END)  # read to the end, as routing line by line would leave it
    return failed
