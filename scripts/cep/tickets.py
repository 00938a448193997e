"""Tickets as the router reads them, and the JSON Lines reader that yields tickets or located problems."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .model import Process
from .problems import Location, Problem
from .schema import did_you_mean

_TIMES = ("created", "escalated", "responded", "acknowledged", "resolved")
_KNOWN = (
    "id",
    "category",
    "urgency",
    "impact",
    "reproduced",
    "tier",
    "needs_code_change",
    "waiting",
    "fields",
    *_TIMES,
)


@dataclass(frozen=True)
class Ticket:
    id: str
    category: str
    urgency: str
    impact: str
    created: datetime
    reproduced: bool = False
    tier: str = "tier-1"
    escalated: datetime | None = None
    needs_code_change: bool = False
    waiting: tuple[tuple[datetime, datetime | None], ...] = ()
    responded: datetime | None = None
    acknowledged: datetime | None = None
    resolved: datetime | None = None
    fields: Mapping[str, Any] | None = None


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
    return moment


def _known(process: Process, kind: str, value: Any, known: tuple[Any, ...]) -> None:
    if value not in known:
        hint = did_you_mean(value, known)
        raise ValueError(
            f"unknown {kind} {value!r}; known: {', '.join(map(str, known))}" + (f" ({hint})" if hint else "")
        )


def ticket_from_json(raw: Any, process: Process, default_tier: str) -> Ticket:
    """A Ticket from one decoded JSON object; raise ValueError with a readable message."""
    if not isinstance(raw, dict):
        raise ValueError("each line must be a JSON object")
    unknown = [key for key in raw if key not in _KNOWN]
    if unknown:
        hint = did_you_mean(unknown[0], _KNOWN)
        raise ValueError(f"unknown ticket field '{unknown[0]}'" + (f" ({hint})" if hint else ""))
    missing = [key for key in ("id", "category", "urgency", "impact", "created") if key not in raw]
    if missing:
        raise ValueError(f"missing ticket field '{missing[0]}'")
    domains = process.domains()
    for kind in ("category", "urgency", "impact"):
        _known(process, kind, raw[kind], domains[kind])
    tier = raw.get("tier", default_tier)
    _known(process, "tier", tier, tuple(t.id for t in process.tiers))
    for flag in ("reproduced", "needs_code_change"):
        if not isinstance(raw.get(flag, False), bool):
            raise ValueError(f"'{flag}' must be true or false")
    times = {name: parse_moment(raw[name], name) if raw.get(name) is not None else None for name in _TIMES}
    waits = raw.get("waiting") or []
    if not isinstance(waits, list) or not all(isinstance(w, list) and len(w) == 2 for w in waits):
        raise ValueError("'waiting' must be a list of [from, to] pairs (to may be null)")
    waiting = tuple(
        (parse_moment(start, "waiting"), parse_moment(end, "waiting") if end is not None else None)
        for start, end in waits
    )
    fields = raw.get("fields")
    if fields is not None and not isinstance(fields, dict):
        raise ValueError("'fields' must be an object of template fields")
    return Ticket(
        id=str(raw["id"]),
        category=raw["category"],
        urgency=raw["urgency"],
        impact=raw["impact"],
        created=times["created"],  # type: ignore[arg-type]
        reproduced=raw.get("reproduced", False),
        tier=tier,
        escalated=times["escalated"],
        needs_code_change=raw.get("needs_code_change", False),
        waiting=waiting,
        responded=times["responded"],
        acknowledged=times["acknowledged"],
        resolved=times["resolved"],
        fields=fields,
    )


def read_tickets(lines: Iterable[str], name: str, process: Process) -> Iterator[Ticket | Problem]:
    """Tickets from JSON Lines; a bad line becomes a Problem at NAME:LINE and reading goes on."""
    default_tier = process.default_route.tier
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield ticket_from_json(json.loads(line), process, default_tier)
        except json.JSONDecodeError as error:
            yield Problem(Location(name, number), f"not valid JSON: {error.msg} (column {error.colno})")
        except ValueError as error:
            yield Problem(Location(name, number), str(error))
