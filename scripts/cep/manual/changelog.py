"""The "Changelog" page: one entry per process version in the git history of the definition, each with what
`cep diff` says changed since the version before."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from ..definition.loader import load_process
from ..definition.model import Process
from ..diff import compare
from ..diff.report import changes_list, headline
from ..diff.revisions import Commit, at_revisions, history
from ..problems import InvalidProcess
from .text import esc


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


def releases(process_file: Path, current: Process, working: bytes) -> list[Release]:
    """The commits where the process version changed, oldest first, then the working copy if its version is new."""
    out: list[Release] = []
    commits = history(process_file)
    for commit, content in zip(commits, at_revisions([c.sha for c in commits], process_file), strict=True):
        version = _version(content) if content is not None else None
        if content is not None and version is not None and (not out or out[-1].version != version):
            out.append(Release(version, commit, content))
    if not out or out[-1].version != current.meta.version:
        out.append(Release(current.meta.version, None, working))
    return out


def changelog(process_file: Path, schema: Path, current: Process) -> str:
    working = process_file.read_bytes()
    found = releases(process_file, current, working)

    @cache
    def model(i: int) -> Process:
        release = found[i]
        if release.content == working:
            return current  # already loaded for this build
        return load_process(process_file, schema, display=f"version {release.version}", content=release.content)

    out = []
    for i in reversed(range(len(found))):
        release, commit = found[i], found[i].commit
        when = f"{commit.date}, {esc(commit.subject)} (`{commit.sha[:7]}`)" if commit else "not committed yet"
        out.append(f"## Version {esc(release.version)}\n\n*{when}*\n\n")
        if i == 0:
            out.append("The first version of the process in this repository's history.\n\n")
            continue
        try:
            old, new = model(i - 1), model(i)
        except InvalidProcess as invalid:
            out.append(f"Not compared: {esc(invalid.problems[0])} (today's schema no longer accepts it).\n\n")
            continue
        diff = compare(old, new, f"version {found[i - 1].version}", f"version {release.version}")
        out.append(headline(diff) + "\n\n" + changes_list(diff.definition) + "\n")
    return "".join(out)
