"""The `cep route --format jsonl` output contract: one decision as one JSON line.

`decision_json` is the reference: the documented object, for `json.dumps`. `LineEncoder` writes the very same
bytes (tested equal) without making the decision first: for each path the router decides, it makes once a line
template holding everything but the ticket's id and its deadlines. The router decides; only this module writes.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

import msgspec

from .router import Decision, Router, _Path, ticket_path
from .tickets import Ticket, TriageLine, parse_moment


def decision_json(decision: Decision) -> dict[str, Any]:
    """The `cep route --format jsonl` object: exactly the documented keys."""
    out: dict[str, Any] = {
        "id": decision.ticket,
        "route": decision.route,
        "priority": decision.priority,
        "trigger": decision.trigger,
        "notify": list(decision.notify),
        "first_response_due": _iso(decision.due["first_response"]),
        "resolution_due": _iso(decision.due.get("resolution")),
    }
    if "review" in decision.due:
        out["review_due"] = _iso(decision.due["review"])
    if "acknowledge" in decision.due:
        out["acknowledge_due"] = _iso(decision.due["acknowledge"])
    out["missing_fields"] = list(decision.missing_fields)
    out["explanation"] = decision.explanation
    if decision.clocks is not None:
        out["clocks"] = {
            c.name: {"due": _iso(c.due), "state": c.state, "action": c.action, "notify": list(c.notify)}
            for c in decision.clocks
        }
    return out


def reference_line(decision: Decision) -> bytes:
    """`decision_json` as a line of UTF-8 JSON: what the fast encoder must write, byte for byte."""
    return json.dumps(decision_json(decision), ensure_ascii=False).encode() + b"\n"


class _Template(NamedTuple):
    """A path's line, made once: the members before and after the deadlines, and the whole line as a format."""

    head: str  # route, priority, trigger and notify as JSON members, for tickets that go through
    tail: str  # missing_fields and explanation as JSON members, for tickets nothing more is said of
    deadlines: tuple[tuple[Any, int], ...]  # each clock's calendar and target, in the line's order
    line: bytes  # the whole line, with %s for the id and each deadline, when every clock starts at creation


class LineEncoder:
    """Writes a ticket's `cep route` line from the router's cached path: the hot path of `cep route`."""

    def __init__(self, router: Router) -> None:
        self.router = router
        # the router's path for a ticket's fields, with its line template: one cached call on the hot path
        self.path = lru_cache(maxsize=4096)(self._path)

    def _path(
        self, category: str, urgency: str, impact: str, reproduced: bool, tier: str, code: bool, accepted: bool = False
    ) -> tuple[_Path, _Template]:
        p = self.router.path(category, urgency, impact, reproduced, tier, code, accepted)
        return p, self._template(p)

    @staticmethod
    def _template(p: _Path) -> _Template:
        head = _members(
            route=p.route, priority=p.priority, trigger=p.trigger.id if p.trigger else None, notify=p.notify
        )
        tail = _members(missing_fields=(), explanation=p.explanation)
        deadlines = {name: due for name, due in p.due.items() if due[0] is not None and due[1] is not None}
        times = [  # resolution_due is null where it does not apply; the other clocks are left out
            f'"{name}_due": "%s"' if name in deadlines else f'"{name}_due": null'
            for name in p.due
            if name in deadlines or name == "resolution"
        ]
        escape = lambda members: members.replace("%", "%%").encode()  # noqa: E731
        line = b'{"id": %s, ' + escape(head) + b", " + ", ".join(times).encode() + b", " + escape(tail) + b"}\n"
        return _Template(head, tail, tuple(deadlines.values()), line)

    def line(self, ticket: Ticket) -> bytes:
        """`reference_line(router.route(ticket))`, built from cached pieces."""
        quoted = msgspec.json.encode(ticket.id)  # as json.dumps(ensure_ascii=False) writes it, in a fifth of the time
        p, template = self.path(*ticket_path(ticket))
        if not (ticket.waiting or ticket.fields is not None or ticket.escalated or p.window):
            return self._from_creation(p, template, quoted, ticket.created)
        _, missing, due, _, explanation = self.router.schedule(ticket)
        if missing or explanation is not p.explanation:
            head = _members(
                route=ticket.tier if missing else p.route,
                priority=p.priority,
                trigger=p.trigger.id if p.trigger else None,
                notify=p.announce if missing else p.notify,
            )
            tail = _members(missing_fields=missing, explanation=explanation)
        else:
            head, tail = template.head, template.tail
        times = [
            b'"%s_due": "%s"' % (name.encode(), cal.iso(offset))
            if offset is not None
            else b'"%s_due": null' % name.encode()
            for name, (cal, offset) in due.items()
        ]
        if "resolution" not in due:
            times.insert(1, b'"resolution_due": null')
        return b'{"id": %s, %s, %s, %s}\n' % (quoted, head.encode(), b", ".join(times), tail.encode())

    def triage_line(self, line: TriageLine) -> bytes | None:
        """`line(ticket)` for a ticket read as a TriageLine, without making the Ticket (its clocks all start at
        creation: without a code change, no hand-over waits for a fix window); None for a `created` the general
        way reports as a problem."""
        p, template = self.path(line.category, line.urgency, line.impact, line.reproduced, line.tier, False)
        try:
            created = parse_moment(line.created, "created")
        except ValueError:
            return None
        return self._from_creation(p, template, msgspec.json.encode(line.ticket_id()), created)

    @staticmethod
    def _from_creation(p: _Path, template: _Template, quoted: bytes, created: datetime) -> bytes:
        # Every clock starts when the ticket was created, as at triage: the template has the line but the times.
        calendar = p.calendar
        start = calendar.offset(created)
        texts = [cal.iso((start if cal is calendar else cal.offset(created)) + due) for cal, due in template.deadlines]
        return template.line % (quoted, *texts)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _members(**values: Any) -> str:
    """JSON object members, without the braces, in the order given."""
    return json.dumps(values, ensure_ascii=False)[1:-1]
