"""Tickets as the router reads them, and the JSON Lines reader that yields tickets or located problems."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, Literal, NamedTuple

import msgspec

from ..definition.model import Process
from ..problems import Location, Problem, did_you_mean, unknown_name

# The years a ticket's times may fall in: calendars lay out whole years of days between any two times they meet.
YEARS = range(1970, 2101)
_TIMES = ("created", "escalated", "responded", "acknowledged", "resolved")
_REQUIRED = ("id", "category", "urgency", "impact", "created")
_KNOWN = (
    *_REQUIRED,
    "reproduced",
    "tier",
    "needs_code_change",
    "accepted_into_roadmap",
    "waiting",
    "fields",
    *_TIMES[1:],
)
_KNOWN_SET = frozenset(_KNOWN)
_BASIC = frozenset((*_REQUIRED, "reproduced", "tier"))
_UNSET = msgspec.UNSET
_TEXTS_AND_KEYS = 4 + len(_REQUIRED)  # in any triage line: category, urgency, impact, created; its required keys
# Without a backslash, a JSON string followed by a colon is a key: keys found more than once here may be a key
# given twice in one object (JSON readers keep the last, silently), or the same key in two objects.
_KEY = re.compile(rb'"([^"]*)"\s*:')


class Ticket(NamedTuple):
    """One ticket as the router reads it (a named tuple: immutable, and cheap to make by the hundred thousand)."""

    id: str
    category: str
    urgency: str
    impact: str
    created: datetime
    reproduced: bool
    tier: str  # no default: the tier a ticket starts at is the process's, never one typed here
    escalated: datetime | None = None
    needs_code_change: bool = False
    waiting: tuple[tuple[datetime, datetime | None], ...] = ()
    responded: datetime | None = None
    acknowledged: datetime | None = None
    resolved: datetime | None = None
    fields: Mapping[str, Any] | None = None
    accepted_into_roadmap: bool = False  # what the Product Owner's hand-over to development waits for


def parse_moment(value: Any, name: str) -> datetime:
    """An ISO 8601 moment with its UTC offset; raise ValueError naming the field otherwise."""
    if not isinstance(value, str):
        raise ValueError(f"'{name}' must be an ISO 8601 time with offset, like 2026-11-27T16:00:00+02:00")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{name}' is not an ISO 8601 time: '{value}'") from None
    if moment.tzinfo is None:
        raise ValueError(f"'{name}' has no UTC offset: '{value}' (add one, like +02:00 or Z)")
    if moment.year not in YEARS:
        raise ValueError(f"'{name}' is outside the years cep routes ({YEARS[0]}–{YEARS[-1]}): '{value}'")
    return moment


class TriageLine(msgspec.Struct, forbid_unknown_fields=True):
    """A line holding only the fields of a ticket at triage, read by msgspec in one typed step (TicketParser makes
    the subclass whose names are the process's); any other line is read as JSON and checked field by field."""

    id: str | int
    category: str
    urgency: str
    impact: str
    created: str
    tier: str  # the subclass makes it optional: the process's triage tier when the line does not say
    reproduced: bool | msgspec.UnsetType = msgspec.UNSET  # False when the line does not say

    def ticket_id(self) -> str:
        return self.id if type(self.id) is str else str(self.id)


def _flag(raw: dict[str, Any], name: str) -> bool:
    value = raw.get(name, False)
    if value is not True and value is not False:
        raise ValueError(f"'{name}' must be true or false")
    return value


class TicketParser:
    """Reads ticket lines into Tickets, checking names against the process (built once, used per line)."""

    def __init__(self, process: Process) -> None:
        self.default_tier = process.default_route.tier
        self.known = {**process.domains(), "tier": tuple(t.id for t in process.tiers)}
        self.categories, self.urgencies, self.impacts, self.tiers = (
            frozenset(self.known[kind]) for kind in ("category", "urgency", "impact", "tier")
        )
        names = lambda kind: Literal[tuple(self.known[kind])]  # noqa: E731
        fields = [
            *((kind, names(kind)) for kind in ("category", "urgency", "impact")),
            ("tier", names("tier") | msgspec.UnsetType, msgspec.UNSET),
        ]
        line = msgspec.defstruct("TriageLine", fields, bases=(TriageLine,), forbid_unknown_fields=True)
        self._triage_line = msgspec.json.Decoder(line)

    def triage(self, raw: bytes) -> TriageLine | None:
        """The line's fields if it holds only those of a ticket at triage, each name one the process knows, once."""
        try:
            line = self._triage_line.decode(raw)
        except _NOT_READ:
            return None
        tier, flag = line.tier, line.reproduced
        # A flat line's quotes are two per key and two per text value, and an escaped quote only adds one: a key
        # given twice (which msgspec would take the last of, silently) always shows as more keys than the line's
        # fields, and such a line is left to the full reading. One scan of the bytes.
        texts_and_keys = _TEXTS_AND_KEYS + (type(line.id) is str) + (0 if tier is _UNSET else 2) + (flag is not _UNSET)
        if raw.count(b'"') // 2 != texts_and_keys:
            return None
        if tier is _UNSET:
            line.tier = self.default_tier
        if flag is _UNSET:
            line.reproduced = False
        return line

    def read(self, raw: bytes, number: int, name: str) -> Ticket | Problem | None:
        """The ticket on line NUMBER of NAME, the Problem found there, or None for a blank line."""
        line = self.triage(raw)  # most lines: a seventh of the time json.loads and `parse` take
        if line is None:
            return self.read_json(raw, number, name)
        try:
            created = parse_moment(line.created, "created")
        except ValueError as error:
            return Problem(Location(name, number), str(error))
        return Ticket(line.ticket_id(), line.category, line.urgency, line.impact, created, line.reproduced, line.tier)

    def read_json(self, raw: bytes, number: int, name: str) -> Ticket | Problem | None:
        """`read` for a line that is not only a ticket at triage: JSON first, then checked field by field."""
        try:
            try:
                value = msgspec.json.decode(raw)
            except _NOT_READ:
                value = _standard_reading(raw, number)
                if value is _BLANK:
                    return None
            if _may_repeat_a_key(raw):
                _refuse_repeated_keys(raw)
            return self.parse(value)
        except ValueError as error:
            return Problem(Location(name, number), str(error))

    def _unknown(self, values: dict[str, Any]) -> ValueError:
        kind, value = next((k, v) for k, v in values.items() if v not in self.known[k])
        message, hint = unknown_name(kind, repr(value), self.known[kind])
        return ValueError(message + (f" ({hint})" if hint else ""))

    def parse(self, raw: Any) -> Ticket:
        """A Ticket from one decoded JSON object; raise ValueError with a readable message."""
        if not isinstance(raw, dict):
            raise ValueError("each line must be a JSON object")
        if not _KNOWN_SET.issuperset(raw):
            unknown = next(key for key in raw if key not in _KNOWN_SET)
            hint = did_you_mean(unknown, _KNOWN)
            raise ValueError(f"unknown ticket field '{unknown}'" + (f" ({hint})" if hint else ""))
        try:
            category, urgency, impact, created = raw["category"], raw["urgency"], raw["impact"], raw["created"]
            ticket_id = raw["id"]
        except KeyError as missing:
            raise ValueError(f"missing ticket field {missing}") from None
        if type(ticket_id) is not str:
            if type(ticket_id) is not int:
                raise ValueError("'id' must be text or a whole number")
            ticket_id = str(ticket_id)
        elif not ticket_id.isascii():
            try:
                ticket_id.encode()
            except UnicodeEncodeError:  # JSON can spell one ("\\ud800"); no output can hold it
                raise ValueError("'id' is not text: it holds a lone UTF-16 surrogate") from None
        tier = raw.get("tier", self.default_tier)
        try:
            known = (
                category in self.categories
                and urgency in self.urgencies
                and impact in self.impacts
                and tier in self.tiers
            )
        except TypeError:  # a list or an object where a name belongs
            known = False
        if not known:
            raise self._unknown({"category": category, "urgency": urgency, "impact": impact, "tier": tier})
        reproduced = _flag(raw, "reproduced")
        created_at = parse_moment(created, "created")
        if _BASIC.issuperset(raw):  # the common case at triage: nothing more to read
            return Ticket(ticket_id, category, urgency, impact, created_at, reproduced, tier)
        code, accepted = _flag(raw, "needs_code_change"), _flag(raw, "accepted_into_roadmap")
        waits = raw.get("waiting") or ()
        if waits and (not isinstance(waits, list) or not all(isinstance(w, list) and len(w) == 2 for w in waits)):
            raise ValueError("'waiting' must be a list of [from, to] pairs (to may be null)")
        fields = raw.get("fields")
        if fields is not None and not isinstance(fields, dict):
            raise ValueError("'fields' must be an object of template fields")
        escalated, responded, acknowledged, resolved = (
            parse_moment(raw[name], name) if raw.get(name) is not None else None for name in _TIMES[1:]
        )
        waiting = tuple(
            (parse_moment(start, "waiting"), parse_moment(end, "waiting") if end is not None else None)
            for start, end in waits
        )
        backwards = next((n for n, (start, end) in enumerate(waiting) if end is not None and end < start), None)
        if backwards is not None:
            raise ValueError(f"'waiting' ends before it starts: {waits[backwards]}")
        return Ticket(
            ticket_id,
            category,
            urgency,
            impact,
            created_at,
            reproduced,
            tier,
            escalated,
            code,
            waiting,
            responded,
            acknowledged,
            resolved,
            fields,
            accepted,
        )


_BLANK = object()
# How msgspec refuses a line: its own errors, and Python's for bytes that are not UTF-8 or nest too deeply.
_NOT_READ = (msgspec.MsgspecError, UnicodeDecodeError, RecursionError)


def _standard_reading(raw: bytes, number: int) -> Any:
    """A line msgspec refused, read by the standard library: its error messages, its leniency (NaN, numbers
    out of range), the byte-order mark some Windows tools write; `_BLANK` for a blank line."""
    try:
        line = raw.decode()
    except UnicodeDecodeError as error:
        byte = raw[error.start : error.start + 1].hex()
        raise ValueError(f"not UTF-8 text: byte 0x{byte} (column {error.start + 1})") from None
    if number == 1:
        line = line.removeprefix("\ufeff")
    line = line.rstrip("\r\n")  # or an error at the line's end would be placed at column 1 of the next
    if not line or line.isspace():
        return _BLANK
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON: {error.msg} (column {error.colno})") from None
    except RecursionError:
        raise ValueError("not a ticket: JSON nested too deeply") from None


def _may_repeat_a_key(raw: bytes) -> bool:
    if b"\\" in raw:  # an escape may spell a key ("\\u0063ategory"): only a full reading tells
        return True
    keys = _KEY.findall(raw)
    return len(keys) != len(set(keys))


def _refuse_repeated_keys(raw: bytes) -> None:
    """Raise ValueError if an object of the line gives a key twice."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in items:
            if key in seen:
                raise ValueError(f"the field '{key}' is given twice")
            seen.add(key)
        return dict(items)

    with contextlib.suppress(json.JSONDecodeError, UnicodeDecodeError, RecursionError):  # said by the reading proper
        json.loads(raw, object_pairs_hook=pairs)


def read_tickets(lines: Iterable[bytes], name: str, process: Process, first: int = 1) -> Iterator[Ticket | Problem]:
    """Tickets from JSON Lines (UTF-8; the first line being line `first` of NAME); a bad line becomes a Problem
    at NAME:LINE and reading goes on."""
    parser = TicketParser(process)
    for number, raw in enumerate(lines, start=first):
        item = parser.read(raw, number, name)
        if item is not None:
            yield item
