"""Where a version of the process definition comes from: a file, or a git revision of the working copy's file;
and the file's git history: its releases (the commits where `process.version` changed), for the changelog and
the report."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..definition.document import read_definition


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


def _git(args: list[str], where: Path, stdin: bytes | None = None) -> bytes:
    return subprocess.run(["git", *args], cwd=where, input=stdin, capture_output=True, check=True, timeout=60).stdout


def resolve(spec: str, process_file: Path) -> Version:
    """`spec` as a file if one exists, else as a git revision of `process_file` (the same path in that revision)."""
    path = Path(spec)
    if path.is_file():
        return Version(spec, read_definition(path, spec))
    if spec.startswith("-"):  # never let a revision be read as an option of git
        raise RevisionNotFound(f"'{spec}' is neither a file nor a git revision")
    return Version(f"{spec}:{process_file}", at_revision(spec, process_file))


def at_revision(revision: str, process_file: Path) -> bytes:
    try:
        [content] = at_revisions([revision], process_file)
    except FileNotFoundError:
        raise RevisionNotFound(f"'{revision}' is not a file, and git is not installed to read a revision") from None
    except (subprocess.CalledProcessError, NotADirectoryError):
        content = None
    if content is None:
        raise RevisionNotFound(f"'{revision}' is neither a file nor a git revision that has {process_file}")
    return content


def at_revisions(revisions: list[str], process_file: Path) -> list[bytes | None]:
    """`process_file` as it was at each revision (None where it did not exist), read by one `git cat-file`."""
    if not revisions:
        return []
    names = "".join(f"{revision}:./{process_file.name}\n" for revision in revisions).encode("utf-8")
    out = _git(["cat-file", "--batch"], process_file.resolve().parent, stdin=names)
    contents: list[bytes | None] = []
    at = 0
    for _ in revisions:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if header[-1] in (b"missing", b"ambiguous") or header[1] != b"blob":
            contents.append(None)
            at = end + 1
            continue
        size = int(header[2])
        contents.append(out[end + 1 : end + 1 + size])
        at = end + 1 + size + 1  # the content, then a newline
    return contents


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


@dataclass(frozen=True)
class Release:
    version: str
    commit: Commit | None  # None: the working copy, not committed yet
    content: bytes


def _version(content: bytes) -> str | None:
    """`process.version` of a committed definition, read from the YAML events up to it: a long history is not
    parsed whole, version after version."""
    events = iter(yaml.parse(content, Loader=yaml.CSafeLoader))
    try:
        while not isinstance(next(events), yaml.MappingStartEvent):  # to the document's top mapping
            pass
        in_process = _to_key(events, "process") and isinstance(next(events), yaml.MappingStartEvent)
        if in_process and _to_key(events, "version"):
            value = next(events)
            return value.value if isinstance(value, yaml.ScalarEvent) else None
    except (yaml.YAMLError, StopIteration):
        pass
    return None


def _to_key(events: Iterator[yaml.Event], key: str) -> bool:
    """Move `events`, inside a mapping, to just after its key `key`; False at the mapping's end."""
    while not isinstance(event := next(events), yaml.MappingEndEvent):
        if isinstance(event, yaml.ScalarEvent) and event.value == key:
            return True
        _skip(events, event)  # the key
        _skip(events, next(events))  # its value
    return False


def _skip(events: Iterator[yaml.Event], first: yaml.Event) -> None:
    """Move `events` past the node that starts with `first`."""
    depth = int(isinstance(first, yaml.CollectionStartEvent))
    while depth:
        event = next(events)
        depth += isinstance(event, yaml.CollectionStartEvent) - isinstance(event, yaml.CollectionEndEvent)


def releases(process_file: Path, current_version: str, working: bytes) -> list[Release]:
    """The commits where the process version changed, oldest first, then the working copy if its version is new."""
    out: list[Release] = []
    commits = history(process_file)
    for commit, content in zip(commits, at_revisions([c.sha for c in commits], process_file), strict=True):
        version = _version(content) if content is not None else None
        if content is not None and version is not None and (not out or out[-1].version != version):
            out.append(Release(version, commit, content))
    if not out or out[-1].version != current_version:
        out.append(Release(current_version, None, working))
    return out
