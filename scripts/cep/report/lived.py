"""One ticket's history against the process: what the process says (the router, from the ticket's fields) beside
what happened (its changelog), and a verdict that explains itself.

How a history is read, on a site configured by `cep jira apply`/the bundle (another site maps its names):
- the tier is the process's tier field (empty: the triage tier); without tier changes, the tier statuses;
- waiting for the customer is time in the process's waiting status; a return is a move to its returned status;
- the first response is the first public comment by someone other than the reporter;
- a tier acknowledges when the ticket is first assigned, or commented on internally, after entering it (as the
  bundle's acknowledgement SLA stops);
- resolution is `resolutiondate`, else the last move to the resolved or closed status, if the ticket stayed there.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any, NamedTuple

from ..definition.model import Handover, Process
from ..jira.names import NO, JiraNames
from ..problems import did_you_mean
from ..routing.calendars import BusinessCalendar
from ..routing.router import HANDOVER_FLAG, STOPPED_BY, Router, ticket_path
from ..routing.tickets import Ticket
from .history import Read
from .mapping import SiteNames, bundle_names


class BadHistory(ValueError):
    """A history the report cannot read; the message names what is wrong."""


def _moment(text: Any, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise BadHistory(f"{what} is not a time: {text!r}") from None
    if moment.tzinfo is None:
        raise BadHistory(f"{what} has no UTC offset: {text!r}")
    return moment


def _text(value: Any) -> str | None:
    """A field's value as Jira shows it: an option's value, a status's or priority's name, or the text."""
    if value.__class__ is str:  # most are: the rest of this need not be run
        return value or None
    if isinstance(value, dict):
        value = value.get("value", value.get("name"))
    return None if value in (None, "", [], {}) else str(value)


_EMPTY = (None, NO)  # a template field not filled in: empty, or the flag's "No"


def _acknowledged(signs: list[datetime], entered: datetime | None) -> datetime | None:
    """A tier's acknowledgement: the first of `signs` (sorted: each assignment and internal comment) at or after
    the ticket entered it."""
    if entered is None:
        return None
    index = bisect_left(signs, entered)
    return signs[index] if index < len(signs) else None


def _judged(calendar: BusinessCalendar, offset: int | None, stopped: datetime | None, at: datetime) -> dict[str, Any]:
    """A clock due at `offset` of `calendar`, stopped at `stopped`, as judged at `at`: met, missed or open."""
    assert offset is not None, "judged at a moment, every clock is due"
    due = calendar.moment(offset)
    if stopped is not None and stopped <= at:
        state = "met" if stopped <= due else "missed"
    else:
        stopped = None
        state = "missed" if at >= due else "open"
    return {"due": calendar.iso(offset).decode(), "stopped": stopped.isoformat() if stopped else None, "state": state}


def _when(change: tuple[datetime, str | None, str | None]) -> datetime:
    return change[0]


class Expected(NamedTuple):
    """What the process says of a ticket at triage."""

    priority: str
    route: str
    trigger: str | None
    template: str | None
    notify: tuple[str, ...]  # the channels it is posted in


class Timeline:
    """A field's values over time: the value at creation, then each change."""

    def __init__(self, initial: str | None, changes: list[tuple[datetime, str | None]]) -> None:
        self.initial, self.changes = initial, changes
        self._times = [t for t, _ in changes]

    def at(self, moment: datetime) -> str | None:
        index = bisect_right(self._times, moment)
        return self.initial if index == 0 else self.changes[index - 1][1]

    def first_set(self) -> str | None:
        return self.initial if self.initial is not None else next((v for _, v in self.changes if v is not None), None)


class Fields:
    """One issue's fields over time, by name: each field's value at creation, then its changes."""

    __slots__ = ("changes", "ids", "made", "values")

    def __init__(
        self,
        values: dict[str, Any],
        ids: dict[str, str],
        changes: dict[str, list[tuple[datetime, str | None, str | None]]],
    ) -> None:
        self.values, self.ids, self.changes = values, ids, changes  # ids: custom fields' by name, lower-cased
        self.made: dict[str, Timeline] = {}

    def line(self, name: str) -> Timeline:
        """The field's timeline (made when first asked for)."""
        key = name.lower()
        found = self.made.get(key)
        if found is None:
            steps = self.changes.get(key)
            if steps:
                steps.sort(key=_when)
                found = Timeline(steps[0][1], [(t, new) for t, _, new in steps])
            else:
                found = Timeline(_text(self.values.get(self._id(key))), [])
            self.made[key] = found
        return found

    def _id(self, key: str) -> str:
        """The key in `values` of the field named `key` (lower-cased): its id by the page's names, else the issue's
        own key of that name, for an issue written with its fields by name rather than by id."""
        found = self.ids.get(key)
        if found is None:
            found = key if key in self.values else next((k for k in self.values if k.lower() == key), key)
        return found

    def has(self, name: str) -> bool:
        """Whether the site has a field of that name (the page names it, or the issue has it or a change to it)."""
        key = name.lower()
        return key in self.ids or key in self.changes or self._id(key) in self.values

    def at(self, name: str, moment: datetime) -> str | None:
        """The field's value at `moment`."""
        key = name.lower()
        if key in self.changes:
            return self.line(name).at(moment)
        return _text(self.values.get(self._id(key)))


@dataclass(frozen=True)
class Verdict:
    """The facts of one ticket; `record()` is its line in `cep report --format jsonl`."""

    key: str
    version: str
    created: datetime
    category: str
    urgency: str
    impact: str
    expected_priority: str
    actual_priority: str | None
    expected_route: str
    trigger: str | None
    notify: tuple[str, ...]  # the channels the process posts it in: its route's, and a hand-over's that happened
    moves: tuple[tuple[datetime, str], ...]  # (when, tier): from creation, each change of tier
    conformant: bool
    deviations: tuple[tuple[str, str, str], ...]  # (kind, pattern, explanation)
    clocks: dict[str, dict[str, Any]]
    time_in_tier: dict[str, float]
    waiting_seconds: float
    returned: tuple[datetime, ...]  # each return for an incomplete hand-over
    handover_missing: tuple[str, ...] | None  # None: no hand-over happened
    insight_reached: bool | None  # None: not an insight
    resolved: datetime | None
    waits: tuple[tuple[datetime, datetime | None], ...] = ()  # (from, to) waiting for the customer
    responded: datetime | None = None
    acknowledged: datetime | None = None
    unknown_statuses: tuple[str, ...] = ()  # statuses the process does not know, read as no change (sorted)

    @property
    def tiers(self) -> tuple[str, ...]:
        """The tiers it visited, in order."""
        return tuple(tier for _, tier in self.moves)

    @property
    def returns(self) -> int:
        return len(self.returned)

    def events(self) -> list[tuple[datetime, str]]:
        """(when, activity), in the order they happened: the ticket as a trace of an event log (made only for the
        tables: the JSON line does not need it)."""
        steps = sorted(
            [
                (self.created, 0, "created"),
                *((when, 1, f"to {tier}") for when, tier in self.moves[1:]),
                *((when, 1, "returned") for when in self.returned),
                *((start, 1, "waiting for customer") for start, _ in self.waits),
                *((stop, 1, "customer replied") for _, stop in self.waits if stop is not None),
                *(
                    (when, 2, name)
                    for when, name in (
                        (self.responded, "first response"),
                        (self.acknowledged, "acknowledged"),
                        (self.resolved, "resolved"),
                    )
                    if when is not None
                ),
            ]
        )
        return [(when, name) for when, _, name in steps]

    def record(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "version": self.version,
            "created": self.created.isoformat(),
            "category": self.category,
            "urgency": self.urgency,
            "impact": self.impact,
            "expected_priority": self.expected_priority,
            "actual_priority": self.actual_priority,
            "expected_route": self.expected_route,
            "trigger": self.trigger,
            "expected_notify": list(self.notify),
            "tiers": list(self.tiers),
            "conformant": self.conformant,
            "deviations": [{"kind": kind, "why": why} for kind, _, why in self.deviations],
            "clocks": self.clocks,
            "time_in_tier": self.time_in_tier,
            "waiting_seconds": self.waiting_seconds,
            "returns": self.returns,
            "handover_missing": None if self.handover_missing is None else list(self.handover_missing),
            "insight_reached": self.insight_reached,
            "resolved": self.resolved.isoformat() if self.resolved else None,
        }


class Reader:
    """Judges histories against one version of the process."""

    def __init__(self, process: Process, version: str, site: SiteNames | None = None) -> None:
        self.process, self.version = process, version
        self.router = Router(process)
        self.names = JiraNames(process)
        self.site = site or bundle_names(process)
        self.triage = process.default_route.tier
        self.tier_ids = {t.id for t in process.tiers}
        self.priorities = {p.id for p in process.priorities}
        self.templates = {t.id: t for t in process.templates}
        self.handovers = {(h.from_tier, h.to_tier): h for h in process.handovers}
        self.insight = process.feedback.template
        self.domains = process.domains()
        # Each template's fields: (id as the router compares them, the name of its Jira field).
        self.template_fields = {
            t.id: tuple(zip(self.router.field_keys[t.id], map(self.names.template_field, t.fields), strict=True))
            for t in process.templates
        }
        self.known_statuses = {
            *self.site.tier_of_status,
            self.site.waiting,
            self.site.returned,
            self.site.resolved,
            self.site.closed,
        }
        self._names: dict[str, str] | None = None  # the last page's field names, and its custom fields' ids by name
        self._ids: dict[str, str] = {}

    # -- reading ------------------------------------------------------------------------------------------------
    def _field_ids(self, names: dict[str, str]) -> dict[str, str]:
        """Each custom field's id by its name, lower-cased; issues of one page share their names, so the last one
        is kept (held, so that it cannot be another dict at the same address)."""
        if names is not self._names:
            self._names = names
            self._ids = {name.lower(): key for key, name in names.items() if key.startswith("customfield_")}
        return self._ids

    def _fields(self, read: Read) -> tuple[datetime, Fields]:
        """The issue's creation, and its fields over time."""
        created = _moment(read.issue.fields.get("created"), "created")
        changes: dict[str, list[tuple[datetime, str | None, str | None]]] = {}
        changelog = read.issue.changelog
        if changelog.total is not None and changelog.total > len(changelog.histories):
            raise BadHistory(
                f"its changelog holds {len(changelog.histories)} of its {changelog.total} changes (a search page "
                "holds only part of a long one): pull it with --from-jira, which completes it, or add the rest from "
                f"GET /rest/api/3/issue/{read.issue.key}/changelog"
            )
        for history in changelog.histories:
            when = _moment(history.created, "a change's time")
            if when < created:
                raise BadHistory(f"a change at {history.created} is before the ticket was created")
            for item in history.items:
                changes.setdefault(item.field.lower(), []).append((when, item.fromString, item.toString))
        return created, Fields(read.issue.fields, self._field_ids(read.names), changes)

    def judge(self, read: Read, at: datetime) -> Verdict:
        created, history = self._fields(read)
        line, fields = history.line, read.issue.fields

        values = {}
        for kind in ("category", "urgency", "impact"):
            value = self.site.value(kind, line(self.site.fields[kind]).first_set())
            if value is None or value not in self.domains[kind]:
                raise BadHistory(self._unread(kind, value, history, read.names))
            values[kind] = value
        status = line("status")
        tier_line = line(self.site.fields["tier"])
        moves = self._tier_moves(created, tier_line, status)
        returned = tuple(when for when, value in status.changes if value == self.site.returned)
        resolved = self._resolved(fields, status)
        end = min(at, resolved) if resolved else at
        escalated = moves[1][0] if len(moves) > 1 else None
        triage_end = min(t for t in (escalated, resolved, at) if t is not None)
        reproduced = line(self.site.fields["reproduced"]).at(triage_end) == self.site.yes
        priority = self.site.value("priority", line("priority").at(triage_end))
        ticket = Ticket(
            read.issue.key, values["category"], values["urgency"], values["impact"], created, reproduced, self.triage
        )
        expected = self._expected(ticket)
        waits = self._waits(created, status, end)
        responded, notes = self._comments(fields)
        signs = sorted([*(t for t, who in line("assignee").changes if who is not None), *notes])
        # The router's view: decided at triage; the acknowledgement clock runs from entering the route's tier.
        entered = next((when for when, tier in moves[1:] if tier == expected.route), None)
        lived = ticket._replace(
            escalated=entered,
            waiting=waits,
            responded=responded,
            acknowledged=_acknowledged(signs, entered),
            resolved=resolved,
        )
        clocks = self._clocks(lived, at)
        if entered is None:
            clocks.pop("acknowledge", None)  # the tier that acknowledges was never entered: a route deviation
        handed = self._handed(expected.route, moves)
        notify = expected.notify
        if handed is not None:
            clocks.update(self._handed_over(ticket, expected.route, *handed, signs, at))
            notify = tuple(dict.fromkeys((*notify, *handed[1].notify)))
        deviations = self._deviations(expected, priority, moves, ticket, lived, resolved)
        handover = self._handover(expected, moves, ticket, history)
        insight = None
        if expected.template == self.insight:
            insight = any(tier == self.templates[self.insight].to for _, tier in moves)
        return Verdict(
            key=read.issue.key,
            version=self.version,
            created=created,
            category=values["category"],
            urgency=values["urgency"],
            impact=values["impact"],
            expected_priority=expected.priority,
            actual_priority=priority,
            expected_route=expected.route,
            trigger=expected.trigger,
            notify=notify,
            moves=tuple(moves),
            conformant=not deviations,
            deviations=deviations,
            clocks=clocks,
            time_in_tier=self._time_in_tier(moves, end),
            waiting_seconds=sum((((e or end) - s).total_seconds() for s, e in waits), 0.0),
            returned=returned,
            handover_missing=handover,
            insight_reached=insight,
            resolved=resolved,
            waits=waits,
            responded=lived.responded,
            acknowledged=lived.acknowledged,
            unknown_statuses=self._unknown_statuses(status),
        )

    def _resolved(self, fields: dict[str, Any], status: Timeline) -> datetime | None:
        """When it was resolved: `resolutiondate`, else when it entered the resolved or closed status for the last
        time and stayed there (a ticket reopened since is not resolved; one resolved, then closed, was resolved
        when it was resolved)."""
        if fields.get("resolutiondate"):
            return _moment(fields["resolutiondate"], "resolutiondate")
        done, resolved = (self.site.resolved, self.site.closed), None
        for when, value in status.changes:
            resolved = (resolved or when) if value in done else None
        return resolved

    def _unknown_statuses(self, status: Timeline) -> tuple[str, ...]:
        seen = {status.initial, *(value for _, value in status.changes)}
        return tuple(sorted(v for v in seen if v is not None and v not in self.known_statuses))

    def _unread(self, kind: str, value: str | None, history: Fields, names: dict[str, str]) -> str:
        """Why the ticket's `kind` cannot be read: a value the process does not know, or no such field here."""
        field = self.site.fields[kind]
        if value is None and not history.has(field):
            hint = did_you_mean(field, sorted(set(names.values())))
            return (
                f"no field is named {field!r} here{f' ({hint})' if hint else ''}; if the site calls it otherwise, "
                f"name it in a mapping file (--mapping, under fields: {kind})"
            )
        return f"{field!r} is {'empty' if value is None else repr(value)}; the process knows " + ", ".join(
            self.domains[kind]
        )

    def _expected(self, ticket: Ticket) -> Expected:
        """What the process says from the ticket's fields at triage (its deadlines aside)."""
        path = self.router.path(*ticket_path(ticket))
        return Expected(
            path.priority,
            path.route,
            path.trigger.id if path.trigger else None,
            path.template.id if path.template else None,
            path.notify,
        )

    def _tier_moves(self, created: datetime, tier: Timeline, status: Timeline) -> list[tuple[datetime, str]]:
        """(when, tier) each time the ticket changed tier, from creation; returns go back to the triage tier."""
        if tier.changes:
            named = self.site.value
            events = [(created, named("tier", tier.initial) or self.triage)]
            events += [(t, named("tier", v) or self.triage) for t, v in tier.changes]
        else:
            start = self.site.tier_of_status.get(status.initial or "", self.triage)
            events = [
                (created, start),
                *((t, self.site.tier_of_status[v]) for t, v in status.changes if v in self.site.tier_of_status),
            ]
        events += [(t, self.triage) for t, v in status.changes if v == self.site.returned]
        events.sort(key=lambda e: e[0])
        for _, value in events:
            if value not in self.tier_ids:
                raise BadHistory(f"tier {value!r} is not one of the process's: " + ", ".join(sorted(self.tier_ids)))
        moves: list[tuple[datetime, str]] = []
        for when, value in events:
            if not moves or moves[-1][1] != value:
                moves.append((when, value))
        return moves

    def _waits(
        self, created: datetime, status: Timeline, end: datetime
    ) -> tuple[tuple[datetime, datetime | None], ...]:
        waits: list[tuple[datetime, datetime | None]] = []
        current = status.initial == self.site.waiting
        start = created if current else None
        for when, value in status.changes:
            if value == self.site.waiting and start is None:
                start = when
            elif value != self.site.waiting and start is not None:
                waits.append((start, when))
                start = None
        if start is not None:
            waits.append((start, None))
        return tuple((s, e) for s, e in waits if s <= end)

    def _comments(self, fields: dict[str, Any]) -> tuple[datetime | None, list[datetime]]:
        """The first response (the first public comment by someone other than the reporter), and when each
        internal comment was made."""
        comments = (fields.get("comment") or {}).get("comments") or []
        reporter = (fields.get("reporter") or {}).get("accountId")
        public, internal = [], []
        for c in comments:
            when = _moment(c.get("created"), "a comment's time")
            if not c.get("jsdPublic", True):
                internal.append(when)
            elif (c.get("author") or {}).get("accountId") != reporter:
                public.append(when)
        return min(public, default=None), internal

    def _clocks(self, lived: Ticket, at: datetime) -> dict[str, dict[str, Any]]:
        """Each clock that applies: when it was due (the router's deadlines, a wait still open lasting until `at`, as
        `cep route --at` judges it), when it stopped, and whether it was met, missed or is still open at `at`."""
        return {
            name: _judged(calendar, offset, getattr(lived, STOPPED_BY[name]), at)
            for name, (calendar, offset) in self.router.schedule(lived, at).due.items()
        }

    def _handed(self, route: str, moves: list[tuple[datetime, str]]) -> tuple[datetime, Handover] | None:
        """When the route's tier first handed the ticket to a tier it hands to (Tier 2 to Tier 3), and the
        hand-over."""
        handed = next((m for (_, was), m in pairwise(moves) if was == route and (route, m[1]) in self.handovers), None)
        return None if handed is None else (handed[0], self.handovers[route, handed[1]])

    def _handed_over(
        self, ticket: Ticket, route: str, when: datetime, handover: Handover, signs: list[datetime], at: datetime
    ) -> dict[str, dict[str, Any]]:
        """The acknowledgement clock of the tier the ticket was handed to at `when`, as `acknowledge:TIER`, when
        the hand-over has a time goal: from entering the tier (for a priority that waits for the fix window, from
        its opening) to its acknowledgement."""
        if not handover.has_time_goal:  # an accepted feature follows normal planning
            return {}
        # The router's view of the ticket at the tier that hands over: its path is the hand-over, from the move.
        at_route = ticket._replace(tier=route, escalated=when, **{HANDOVER_FLAG[handover.when]: True})
        schedule = self.router.schedule(at_route, at)
        if schedule.entered is None:  # the tier it went to has no acknowledgement goal
            return {}
        calendar, offset = schedule.due["acknowledge"]
        return {f"acknowledge:{handover.to_tier}": _judged(calendar, offset, _acknowledged(signs, when), at)}

    def _deviations(self, expected, priority, moves, ticket, lived, resolved) -> tuple[tuple[str, str, str], ...]:  # type: ignore[no-untyped-def]
        """(kind, pattern, why): how the ticket left the process; the pattern, without times, groups alike ones."""
        out = []
        if priority != expected.priority:
            pattern = f"priority {priority or 'not set'} where the process says {expected.priority}"
            out.append(
                (
                    "priority",
                    pattern,
                    f"{pattern} ({ticket.category}, {ticket.urgency} urgency × "
                    f"{ticket.impact} impact), at the end of triage",
                )
            )
        moved = moves[1] if len(moves) > 1 else None
        if expected.route != self.triage:
            why = f"trigger {expected.trigger} routes it to {expected.route}"
            if moved is None and resolved:  # unresolved and not moved yet: still being triaged, not a deviation
                pattern = f"resolved at {self.triage} where {why}"
                out.append(("route", pattern, pattern))
            elif moved is not None and moved[1] != expected.route:
                pattern = f"went to {moved[1]} where {why}"
                out.append(("route", pattern, f"{pattern}, at {moved[0].isoformat()}"))
        elif moved is not None:
            before = ticket._replace(responded=lived.responded, waiting=lived.waiting)
            actions = {c.action for c in self.router.route(before, moved[0]).clocks or ()}
            if f"escalate:{moved[1]}" not in actions:
                pattern = f"went to {moved[1]} though no trigger matched and no missed goal escalates it there"
                out.append(("route", pattern, f"{pattern}, at {moved[0].isoformat()}"))
        return tuple(out)

    def _handover(self, expected, moves, ticket, history) -> tuple[str, ...] | None:  # type: ignore[no-untyped-def]
        """The template's required fields that were empty when the ticket was handed to its route."""
        template = self.templates.get(expected.template or "")
        move = next((m for m in moves[1:] if m[1] == expected.route), None)
        if template is None or move is None:
            return None
        filled = {field for field, name in self.template_fields[template.id] if history.at(name, move[0]) not in _EMPTY}
        return self.router.lacking(template, filled, ticket, expected.priority)

    def _time_in_tier(self, moves: list[tuple[datetime, str]], end: datetime) -> dict[str, float]:
        spent: dict[str, float] = {}
        for (start, tier), following in zip(moves, [*moves[1:], (end, "")], strict=True):
            stop = min(following[0], end)
            if stop > start:
                spent[tier] = spent.get(tier, 0.0) + (stop - start).total_seconds()
        return spent
