"""A process definition as read: its bytes (within a size limit), then plain JSON-compatible data and where in
its file each value starts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..problems import InvalidProcess, Location, Problem

JsonPath = tuple[str | int, ...]
MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Document:
    """Plain JSON-compatible data plus where each value (and each mapping key) starts."""

    file: str
    data: Any
    positions: Mapping[JsonPath, Location]
    key_positions: Mapping[JsonPath, Location]

    def locate(self, path: JsonPath, *, key: bool = False) -> Location:
        """Where `path` starts, or its nearest known ancestor."""
        if key and path in self.key_positions:
            return self.key_positions[path]
        for end in range(len(path), -1, -1):
            found = self.positions.get(tuple(path[:end]))
            if found:
                return found
        return Location(self.file, 1, 1)


def describe(path: JsonPath) -> str:
    """A path as the author reads it: `tiers`, `templates[2].fields`, or `the document` for the root."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".") or "the document"


def read_definition(path: Path, file: str) -> bytes:
    """A definition file's bytes, refusing an oversized one before reading it."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InvalidProcess([Problem(Location(file), f"the file is {size} bytes; the limit is {MAX_BYTES} bytes")])
    return path.read_bytes()
