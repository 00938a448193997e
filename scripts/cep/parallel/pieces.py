"""A large file worked on in pieces by forked workers, the outputs written in input order.

Workers are forked after the caller has loaded what the work needs (the process definition, the router) and the
file is mapped into memory, so they share it instead of loading, pickling or sending it. Worker k does pieces k,
k + jobs, k + 2 jobs, ... and sends each piece's outputs back through its own pipe; this process reads the pipes
in turn, so the outputs and the problems (with their line numbers) come out as working alone would write them.
"""

from __future__ import annotations

import contextlib
import io
import mmap
import os
import signal
import stat
import struct
from collections.abc import Callable, Iterator, Sequence
from typing import BinaryIO, TextIO

Work = Callable[[BinaryIO, int, Sequence[BinaryIO], TextIO], int]
"""Work on some lines of the file (the first being line FIRST): write to the outputs, problems to the text stream;
return how many problems there were."""
Progress = Callable[[int, int], None]
"""Told, after each piece, how many bytes of the file are done and how many there are."""

SPLIT_FROM = 1 << 20  # bytes: below this, starting workers costs more than it saves
_PIECES_PER_JOB = 8  # small enough pieces that the workers finish together and output starts early
_PIECE_MOST = 4 << 20  # bytes: on a huge file, pieces this big bound the memory a worker uses
_Piece = tuple[int, int, int]  # the number of its first line, and where it starts and ends in the file
_PIPE_SIZE = 1 << 20  # bytes: the most an unprivileged process may ask for, by default
_STOPPED = "{}: warning: a worker process was stopped ({}); its pieces were done without it\n"


class WorkerStopped(Exception):
    """A worker's pipe ended before the piece it owed: the worker was killed or failed."""


def default_jobs() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def worth_splitting(stream: BinaryIO, jobs: int) -> bool:
    """A regular file of some size (a pipe is read as it comes), more than one core, and fork to share what is
    loaded with the workers."""
    if jobs < 2 or not hasattr(os, "fork"):
        return False
    try:
        status = os.fstat(stream.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        return False
    return stat.S_ISREG(status.st_mode) and status.st_size - stream.tell() >= SPLIT_FROM


def _pieces(data: mmap.mmap, size: int, start: int = 0) -> Iterator[_Piece]:
    """`data` from `start` cut at line ends into pieces of about `size` bytes, each with its first line's
    number (counted from `start`)."""
    line = 1
    while start < len(data):
        cut = data.find(b"\n", start + size)
        end = len(data) if cut < 0 else cut + 1
        yield line, start, end
        line += data[start:end].count(b"\n")
        _release(data, start, end)
        start = end


def _release(data: mmap.mmap, start: int, end: int) -> None:
    """Let go of the pages of `data[start:end]` this process has read: the file stays in the system's cache, and
    the process's memory does not grow with the file as it is read (a later read maps the pages again)."""
    if hasattr(mmap, "MADV_DONTNEED"):
        first = start - start % mmap.PAGESIZE
        data.madvise(mmap.MADV_DONTNEED, first, end - first)


def _piece(data: mmap.mmap, start: int, end: int) -> io.BytesIO:
    """The piece's bytes, copied out of the mapped file (whose pages are then let go of)."""
    piece = io.BytesIO(data[start:end])
    _release(data, start, end)
    return piece


def _header(outputs: int) -> struct.Struct:
    """Before each piece's output: the length of each output and of its problems, and how many problems."""
    return struct.Struct("<" + "Q" * (outputs + 2))


def _work(work: Work, data: mmap.mmap, pieces: Sequence[_Piece], outputs: int, pipe: int) -> None:
    """A worker's life: do its pieces, each sent as a header, its outputs and its problems; never returns."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C stops a worker at once, without a traceback
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # one that came during the fork is acted on now
    status, header = 1, _header(outputs)
    try:
        with open(pipe, "wb") as sink:
            for first, start, end in pieces:
                outs, err = [io.BytesIO() for _ in range(outputs)], io.StringIO()
                problems = work(_piece(data, start, end), first, outs, err)
                said = err.getvalue().encode()
                sink.write(header.pack(*(out.tell() for out in outs), len(said), problems))
                for out in outs:
                    sink.write(out.getbuffer())
                sink.write(said)
        status = 0
    finally:
        os._exit(status)  # not the parent's exit path: its buffers and handlers are not the worker's to run


def _fork(work: Work, data: mmap.mmap, pieces: Sequence[_Piece], outputs: int) -> tuple[int, int]:
    """A worker doing `pieces`: its process id and the read end of its pipe."""
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
            _work(work, data, pieces, outputs, write)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    os.close(write)
    return pid, read


def _read(source: BinaryIO, size: int) -> bytes:
    got = source.read(size)
    if len(got) != size:
        raise WorkerStopped
    return got


def split_work(
    work: Work,
    stream: BinaryIO,
    jobs: int,
    outs: Sequence[BinaryIO],
    err: TextIO,
    command: str,
    progress: Progress | None = None,
) -> int:
    """`work` on a regular file by `jobs` forked workers (by this process alone when `jobs` is 1), piece by piece;
    outputs and problems come out in input order. A worker that stops is not the end: its pieces and every later
    one are done here, so the outputs are what working alone writes (and a failure is the one working alone meets).
    Returns the number of problems."""
    problems = 0
    start = stream.tell()  # where this file is read from: not always its start (`(head -1; cep route) < f`)
    for out in outs:
        out.flush()
    err.flush()  # nothing buffered before the fork may be written twice
    workers: list[tuple[int, BinaryIO]] = []
    header = _header(len(outs))
    with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
        size = min(max((len(data) - start) // (jobs * _PIECES_PER_JOB), 1), _PIECE_MOST)
        pieces = list(_pieces(data, size, start))
        done = 0
        try:
            for k in range(min(jobs, len(pieces)) if jobs > 1 else 0):
                pid, read = _fork(work, data, pieces[k::jobs], len(outs))
                workers.append((pid, os.fdopen(read, "rb")))
            for done in range(len(pieces) if workers else 0):
                source = workers[done % jobs][1]
                *sizes, err_size, piece_problems = header.unpack(_read(source, header.size))
                for out, out_size in zip(outs, sizes, strict=True):
                    out.write(_read(source, out_size))
                err.write(_read(source, err_size).decode())
                problems += piece_problems
                if progress:
                    progress(pieces[done][2] - start, len(data) - start)
            done = len(pieces) if workers else 0
        except WorkerStopped:
            pid, source = workers.pop(done % jobs)
            source.close()
            status = os.waitpid(pid, 0)[1]
            if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT:
                raise KeyboardInterrupt from None  # Ctrl-C reached the workers first: stop as working alone would
            if os.WIFSIGNALED(status):  # killed from outside: say so, the outputs stay whole
                err.write(_STOPPED.format(command, signal.Signals(os.WTERMSIG(status)).name))
        finally:
            for pid, source in workers:  # none outlives this: finished, stopped, or Ctrl-C
                if done < len(pieces):
                    os.kill(pid, signal.SIGKILL)
                source.close()
                os.waitpid(pid, 0)
        for first, begin, end in pieces[done:]:
            problems += work(_piece(data, begin, end), first, outs, err)
            if progress:
                progress(end - start, len(data) - start)
    stream.seek(0, os.SEEK_END)  # read to the end, as working line by line would leave it
    return problems
