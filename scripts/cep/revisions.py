"""Where a version of the process definition comes from: a file, or a git revision of the working copy's file;
and the file's git history, for the changelog."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


class RevisionNotFound(Exception):
    """Neither a readable file nor a git revision that has the process definition."""


@dataclass(frozen=True)
class Version:
    source: str  # as people write it: a path, or REVISION:path
    content: bytes


@dataclass(frozen=True)
class Commit:
    sha: str
    date: str  # YYYY-MM-DD, the commit date
    subject: str


def _git(args: list[str], where: Path) -> bytes:
    return subprocess.run(["git", *args], cwd=where, capture_output=True, check=True, timeout=60).stdout


def resolve(spec: str, process_file: Path) -> Version:
    """`spec` as a file if one exists, else as a git revision of `process_file` (the same path in that revision)."""
    path = Path(spec)
    if path.is_file():
        return Version(spec, path.read_bytes())
    if spec.startswith("-"):  # never let a revision be read as an option of git
        raise RevisionNotFound(f"'{spec}' is neither a file nor a git revision")
    return Version(f"{spec}:{process_file}", at_revision(spec, process_file))


def at_revision(revision: str, process_file: Path) -> bytes:
    where = process_file.resolve().parent
    try:
        return _git(["show", f"{revision}:./{process_file.name}"], where)
    except FileNotFoundError:
        raise RevisionNotFound(f"'{revision}' is not a file, and git is not installed to read a revision") from None
    except (subprocess.CalledProcessError, NotADirectoryError):
        raise RevisionNotFound(f"'{revision}' is neither a file nor a git revision that has {process_file}") from None


def history(process_file: Path) -> list[Commit]:
    """The commits that changed `process_file`, oldest first; empty outside a git repository."""
    try:
        out = _git(
            ["log", "--reverse", "--format=%H%x1f%cs%x1f%s", "--", f"./{process_file.name}"],
            process_file.resolve().parent,
        )
    except (FileNotFoundError, NotADirectoryError, subprocess.CalledProcessError):
        return []
    return [Commit(*line.split("\x1f", 2)) for line in out.decode("utf-8", "replace").splitlines() if line]
