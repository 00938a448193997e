"""Every user-facing error and its exit code: problems found in the input and how they are reported (like a
compiler, or as JSON), a bad command line or unreadable input, output that cannot be made."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, order=True)
class Location:
    """Where something starts in a source file: 1-based line and column."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.file
        return f"{self.file}:{self.line}:{self.col}" if self.col else f"{self.file}:{self.line}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, placed where the author can find it."""

    location: Location
    message: str
    hint: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.location}: {self.severity}: {self.message}{hint}"


EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class CepError(Exception):
    """An error the user is told of, in one or more lines, with the exit code it ends a command with."""

    exit_code = EXIT_USAGE


class InvalidProcess(CepError):
    """Raised once, at the loader's boundary, with every problem found (exit 1)."""

    exit_code = EXIT_INVALID

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(CepError):
    """A bad command line, an unreadable input or a missing tool (exit 2); the message is said as it is."""


class OutputError(CepError):
    """A place output cannot be written to, said as `PATH: error: cannot write: why` (exit 2)."""

    def __init__(self, target: Path, why: str | OSError) -> None:
        if isinstance(why, OSError):  # name the folder in the way, if one is (a file where a folder must be)
            where = Path(why.filename) if why.filename else None
            why = (why.strerror or str(why)) + (f" ({where})" if where in target.parents else "")
        super().__init__(f"{target}: error: cannot write: {why}")


def unknown_name(kind: str, shown: str, known: Any) -> tuple[str, str]:
    """(message, hint) for a name that is not one of `known`: 'unknown tier 'x'; known: a, b' and 'did you mean'.
    `shown` is the name as the message quotes it."""
    known = [str(k) for k in known]
    return f"unknown {kind} {shown}; known: {', '.join(known)}", did_you_mean(shown.strip("'\""), known)


def did_you_mean(word: str, choices: Any) -> str:
    import difflib  # here: `cep route` starts faster without it, and needs it only for a bad line

    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def render_text(problems: list[Problem]) -> str:
    return "".join(f"{p}\n" for p in sorted(problems))


def render_json(problems: list[Problem]) -> str:
    rows = []
    for p in sorted(problems):
        row = asdict(p)
        row.update(row.pop("location"))
        rows.append(row)
    return json.dumps({"valid": not problems, "problems": rows}, indent=2, ensure_ascii=False) + "\n"
