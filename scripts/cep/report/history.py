"""Ticket histories in Jira's own format, read: pages of Jira Cloud's issue search (`POST /rest/api/3/search/jql`
with `expand: "names,changelog"`; shape `SearchAndReconcileResults` of the platform spec), saved as one JSON page,
or as JSON Lines of pages or of issues. This is the format `cep simulate` writes too.

Only what the report uses is decoded (msgspec ignores the rest). Fields are keyed by id in `fields`; the page's
(or the issue's) `names` maps each id to the field's name, which is how the process's fields are found.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import msgspec

from ..problems import Location, Problem


class ChangeItem(msgspec.Struct):
    field: str
    fromString: str | None = None
    toString: str | None = None


class History(msgspec.Struct):
    created: str
    items: list[ChangeItem] = []


class Changelog(msgspec.Struct):
    histories: list[History] = []
    total: int | None = None  # more than the histories here: the page held only part of the changelog


class Issue(msgspec.Struct):
    key: str
    fields: dict[str, Any]
    changelog: Changelog = msgspec.field(default_factory=Changelog)
    names: dict[str, str] = {}


class Page(msgspec.Struct):
    issues: list[Issue]
    names: dict[str, str] = {}
    nextPageToken: str | None = None
    isLast: bool | None = None


@dataclass(frozen=True)
class Read:
    """One issue as read, with its field names, and where it came from (for messages)."""

    issue: Issue
    names: dict[str, str]
    source: str
    line: int | None


_page = msgspec.json.Decoder(Page)
_issue = msgspec.json.Decoder(Issue)


def _names(page: Page, issue: Issue) -> dict[str, str]:
    """The field names an issue of `page` goes by: the page's, shared by its issues unless the issue has its own."""
    return {**page.names, **issue.names} if issue.names else page.names


def _error(error: msgspec.DecodeError | msgspec.ValidationError) -> str:
    text = str(error)
    return text[0].lower() + text[1:] if text else "not an issue search page or issue"


def is_json_lines(stream: BinaryIO) -> bool:
    """Whether the file's first line is a JSON value of its own (else: one page, pretty-printed over lines);
    leaves the stream where it was."""
    start = stream.tell()
    first = stream.readline()
    stream.seek(start)
    try:
        msgspec.json.decode(first)
    except msgspec.DecodeError:
        return not first.strip()
    return True


def read_histories(path: Path, name: str) -> Iterator[Read | Problem]:
    """Every issue of `path` (a search page, or JSON Lines of pages or issues), or a Problem for what cannot be
    read (`NAME:LINE: error: …`); the rest is still read."""
    with path.open("rb") as stream:
        if is_json_lines(stream):
            yield from read_lines(stream, name)
            return
        try:
            page = _page.decode(stream.read())
        except (msgspec.DecodeError, msgspec.ValidationError) as error:
            yield Problem(Location(name, 1), _error(error))
            return
        for issue in page.issues:
            yield Read(issue, _names(page, issue), name, None)


def read_lines(lines: Iterable[bytes], name: str, first: int = 1) -> Iterator[Read | Problem]:
    """The issues of JSON Lines of pages or issues, the first line being line `first` of NAME."""
    for number, line in enumerate(lines, start=first):
        if line.strip():
            yield from _line(line, number, name)


def _line(line: bytes, number: int, name: str) -> Iterator[Read | Problem]:
    try:
        if b'"issues"' in line:
            page = _page.decode(line)
            for issue in page.issues:
                yield Read(issue, _names(page, issue), name, number)
        else:
            issue = _issue.decode(line)
            yield Read(issue, issue.names, name, number)
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        yield Problem(Location(name, number), _error(error))
