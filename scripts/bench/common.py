"""Shared helpers for the benchmarks: run a command several times and report medians and ratios."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# The theme's notice is not what is measured. Commands run as on a machine with Python's defaults: bytecode cached
# (PYTHONDONTWRITEBYTECODE would make every run recompile cep's own modules, but not the installed libraries') and
# output buffered (PYTHONUNBUFFERED makes every line written a system call, for cep and the floors alike).
_ENV = {key: value for key, value in os.environ.items() if key not in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")}
_ENV["NO_MKDOCS_2_WARNING"] = "1"


_PEAK = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_mib(command: Sequence[str]) -> float:
    """The peak memory of `command` (of its largest process, the workers it starts included), in MiB."""
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, *command], cwd=ROOT, env=_ENV, check=True, capture_output=True, text=True
    )
    return int(done.stdout) / 1024


def median_seconds(command: Sequence[str], runs: int = 5, stdin: bytes | None = None) -> float:
    """Median wall time of `command`, run `runs` times from the project root (after one warm-up run)."""
    return interleaved_medians([command], runs, stdin)[0]


def interleaved_medians(commands: Sequence[Sequence[str]], runs: int = 5, stdin: bytes | None = None) -> list[float]:
    """Median wall time of each command, run in turn `runs` times (after one warm-up round): taking turns, a
    measurement and its floor meet the same spells of a busy machine."""
    times: list[list[float]] = [[] for _ in commands]
    for i in range(runs + 1):
        for command, kept in zip(commands, times, strict=True):
            start = time.perf_counter()
            subprocess.run(command, cwd=ROOT, input=stdin, stdout=subprocess.DEVNULL, check=True, env=_ENV)
            if i:  # the first round warms the file-system cache
                kept.append(time.perf_counter() - start)
    return [statistics.median(kept) for kept in times]


def report(name: str, measured: float, floor: float, unit: str = "s") -> None:
    print(f"{name}: median {measured:.3f} {unit}, floor {floor:.3f} {unit}, ratio {measured / floor:.2f}")
