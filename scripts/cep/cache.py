"""A cache on disk for what is slow to make and fixed by what it is made from: a process definition found valid,
a country's public holidays of a year. It spares each `cep` command the YAML parser, the schema validator and
the holiday library (about 0.2 s, more than routing 10,000 tickets takes).

An entry is named by a hash of everything it is made from: the bytes read, the Python version and, as Python
names its bytecode, the size and modification time of cep's own files (modules, SQL, schemas) and of the libraries
that read, validate and compute it. So an entry is never stale: change any of them and the entry is simply not found.
Entries hold plain data (`marshal`), are written atomically, and one that cannot be read or written is made
again or skipped: the cache only ever saves time. It lives in `$CEP_CACHE_DIR` (empty: no cache), else
`$XDG_CACHE_HOME/cep`, else `~/.cache/cep`, and may be deleted at any time.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

_LIBRARIES = ("yaml", "jsonschema", "holidays")  # what parses, validates and computes what is cached


def directory() -> Path | None:
    """Where entries live; None when the cache is turned off."""
    chosen = os.environ.get("CEP_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cep"


@cache
def _fingerprint() -> bytes:
    """The Python version, and the size and modification time of every file that shapes an entry: cep's own (its
    modules, and the SQL, schemas and scenarios they read) and the libraries'."""
    parts = [sys.version]
    package = sorted(Path(__file__).parent.rglob("*"))
    modules = [path for path in package if path.is_file() and "__pycache__" not in path.parts]
    for name in _LIBRARIES:
        spec = find_spec(name)  # finds the library without importing it
        if spec and spec.origin:
            modules.append(Path(spec.origin))
    for module in modules:
        status = module.stat()
        parts.append(f"{module}:{status.st_size}:{status.st_mtime_ns}")
    return "\n".join(parts).encode()


def _path(kind: str, parts: tuple[bytes, ...]) -> Path | None:
    root = directory()
    if root is None:
        return None
    digest = hashlib.sha256(_fingerprint())
    for part in (kind.encode(), *parts):
        digest.update(len(part).to_bytes(8, "big") + part)
    return root / kind / digest.hexdigest()


def load(kind: str, *parts: bytes) -> Any | None:
    """The entry of `kind` made from `parts`, or None when there is none that can be read."""
    path = _path(kind, parts)
    if path is None:
        return None
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def store(kind: str, value: Any, *parts: bytes) -> None:
    """Keep `value` (plain data) as the entry of `kind` made from `parts`, if the cache can be written."""
    path = _path(kind, parts)
    if path is None:
        return
    data = marshal.dumps(value)
    import tempfile  # here: only a miss writes, and most runs hit

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
