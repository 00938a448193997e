"""Problems found in a process definition, and how they are reported (text like a compiler, or JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
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


class InvalidProcess(Exception):
    """Raised once, at the loader's boundary, with every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


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
