"""The immutable, typed process model, built from a schema-valid Document; entities keep their location."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import time
from functools import cache
from operator import attrgetter
from types import MappingProxyType
from typing import Any, TypeVar

import msgspec

from ..problems import Location, Problem, unknown_name
from .document import Document, JsonPath
from .durations import Duration, parse_duration

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CONDITION_FIELDS = ("category", "urgency", "impact", "reproduced", "priority")
# Where an entity is written is not part of what it says: entities equal but for it are equal.
_UNCOMPARED = frozenset({"location", "document"})


class Entity(msgspec.Struct, frozen=True, eq=False):
    """An immutable part of the model, compared and hashed by what it says, not by where it is written.

    msgspec structs, not dataclasses: a dataclass writes and compiles its methods when its class is made, which
    for this model cost every `cep` command about 40 ms before it could start work.
    """

    def __eq__(self, other: object) -> bool:
        if type(self) is not type(other):
            return False
        said = _said(type(self))
        return said(self) == said(other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(_said(type(self))(self))


def compared_fields(entity: Entity | type[Entity]) -> tuple[str, ...]:
    """The names of the fields that say what an entity is, in their order (all but where it is written)."""
    return tuple(name for name in entity.__struct_fields__ if name not in _UNCOMPARED)


@cache
def _said(kind: type[Entity]) -> attrgetter[Any]:
    """What an entity of this kind says: its compared fields, read in one step."""
    return attrgetter(*compared_fields(kind))


class UnknownName(LookupError):
    """A name that the process does not define; the message lists the names it does."""

    def __init__(self, kind: str, name: str, known: Iterable[str]) -> None:
        message, hint = unknown_name(kind, f"'{name}'", known)
        super().__init__(message + (f" ({hint})" if hint else ""))


class Condition(msgspec.Struct, frozen=True):
    """Fields ANDed, values ORed: a box in the space of tickets. A field not listed matches anything."""

    terms: tuple[tuple[str, frozenset[Any]], ...]

    def allowed(self, name: str) -> frozenset[Any] | None:
        return next((values for key, values in self.terms if key == name), None)

    def matches(self, values: Mapping[str, Any]) -> bool:
        return all(values.get(key) in allowed for key, allowed in self.terms)

    def describe(self, ordered: Mapping[str, Iterable[Any]] | None = None) -> str:
        """The condition in words, values in the model's order when `ordered` gives it."""
        parts = []
        for key, allowed in self.terms:
            order = list(ordered.get(key, ())) if ordered else []
            values = sorted(allowed, key=lambda v: (order.index(v) if v in order else len(order), str(v)))
            if key == "reproduced":
                parts.append(
                    "reproduced" if values == [True] else "not reproduced" if values == [False] else "reproduced or not"
                )
            else:
                parts.append(f"{key} is {' or '.join(str(v) for v in values)}")
        return " and ".join(parts) or "always"


class Meta(Entity):
    id: str
    name: str
    owner: str
    version: str
    last_reviewed: str
    summary: str


class Role(Entity):
    id: str
    name: str
    summary: str
    responsibilities: tuple[str, ...]
    challenges: tuple[str, ...]
    needs: tuple[str, ...]
    location: Location


class Tier(Entity):
    id: str
    name: str
    short_name: str
    owner: str
    summary: str
    talks_to_customers: bool
    status: str  # the Jira status that mirrors the tier
    location: Location


class Category(Entity):
    id: str
    name: str
    summary: str
    location: Location


class Level(Entity):
    id: str
    name: str
    definition: str
    location: Location


class Priority(Entity):
    id: str
    name: str
    colour: str
    calendar: str
    first_response: Duration
    resolution: Duration
    acknowledge: Duration
    customer_updates: str
    location: Location


class Floor(Entity):
    category: str
    minimum: str
    summary: str
    location: Location


class Calendar(Entity):
    id: str
    name: str
    time_zone: str
    summary: str
    always_open: bool
    holidays: str | None
    days: tuple[int, ...]
    opens: time | None
    closes: time | None
    location: Location

    @property
    def business_day_seconds(self) -> int:
        if self.always_open or self.opens is None or self.closes is None:
            return 86_400
        return (self.closes.hour - self.opens.hour) * 3600 + (self.closes.minute - self.opens.minute) * 60


class Clock(Entity):
    id: str
    name: str
    starts: str
    pauses_while_waiting: bool
    summary: str
    tiers: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    except_categories: tuple[str, ...] = ()
    target: Duration | None = None
    calendar: str | None = None
    owner: str | None = None


class Trigger(Entity):
    id: str
    name: str
    summary: str
    when: Condition
    route: str
    notify: tuple[str, ...]
    template: str
    overlaps: tuple[str, ...]
    location: Location


class DefaultRoute(Entity):
    tier: str
    summary: str


class Example(Entity):
    """A request from the team's own work, shown in the manual with what the process decides for it."""

    story: str
    category: str
    urgency: str
    impact: str
    reproduced: bool | None
    reported: str  # ISO 8601 with its UTC offset; the checks make sure it reads
    location: Location


class Announcement(Entity):
    id: str
    name: str
    summary: str
    when: Condition
    notify: tuple[str, ...]
    location: Location


class FixWindow(Entity):
    priorities: tuple[str, ...]
    weekday: int
    opens: time
    calendar: str
    summary: str


class Handover(Entity):
    id: str
    name: str
    from_tier: str
    to_tier: str
    when: str
    template: str | None
    notify: tuple[str, ...]
    summary: str
    immediate: tuple[str, ...]
    fix_window: FixWindow | None
    has_time_goal: bool
    location: Location


class AtRisk(Entity):
    threshold_percent: int
    action: str
    notify: tuple[str, ...]
    summary: str


class BreachRule(Entity):
    id: str
    name: str
    tiers: tuple[str, ...]
    priorities: tuple[str, ...]
    escalate_to: str | None
    alert: str | None
    notify: tuple[str, ...]
    summary: str
    location: Location

    @property
    def action(self) -> str:
        return f"escalate:{self.escalate_to}" if self.escalate_to else f"alert:{self.alert}"


class TemplateField(Entity):
    id: str
    name: str
    required: bool
    required_when: Condition | None
    hint: str


class Template(Entity):
    id: str
    name: str
    from_tier: str
    to: str
    summary: str
    fields: tuple[TemplateField, ...]
    location: Location


class Channel(Entity):
    id: str
    purpose: str
    members: tuple[str, ...]
    location: Location


class Communication(Entity):
    customer_contact: str
    update_template: str
    summary: str


class Feedback(Entity):
    template: str
    backlog_owner: str
    any_category: bool
    review_cadence: str
    review_clock: str
    leadership_report: str
    close_the_loop: str
    summary: str


class Metric(Entity):
    id: str
    name: str
    summary: str
    location: Location


class IssueType(Entity):
    id: str
    name: str
    summary: str
    template: str | None


class JiraSettings(Entity):
    field_prefix: str
    waiting: str
    returned: str
    resolved: str
    closed: str
    issue_types: tuple[IssueType, ...]


T = TypeVar("T")


class Process(Entity):
    """The whole process definition; lookups by id raise UnknownName listing what exists."""

    file: str
    meta: Meta
    roles: tuple[Role, ...]
    tiers: tuple[Tier, ...]
    categories: tuple[Category, ...]
    urgency: tuple[Level, ...]
    impact: tuple[Level, ...]
    priorities: tuple[Priority, ...]
    matrix: Mapping[tuple[str, str], str]
    floors: tuple[Floor, ...]
    calendars: tuple[Calendar, ...]
    clocks: Mapping[str, Clock]
    triggers: tuple[Trigger, ...]
    default_route: DefaultRoute
    announcements: tuple[Announcement, ...]
    handovers: tuple[Handover, ...]
    at_risk: AtRisk
    breaches: tuple[BreachRule, ...]
    templates: tuple[Template, ...]
    channels: tuple[Channel, ...]
    communication: Communication
    feedback: Feedback
    metrics: tuple[Metric, ...]
    jira: JiraSettings
    document: Document
    examples: tuple[Example, ...] = ()

    @staticmethod
    def _find(kind: str, items: Iterable[T], name: str) -> T:
        items = tuple(items)
        for item in items:
            if item.id == name:  # type: ignore[attr-defined]
                return item
        raise UnknownName(kind, name, (i.id for i in items))  # type: ignore[attr-defined]

    def role(self, name: str) -> Role:
        return self._find("role", self.roles, name)

    def tier(self, name: str) -> Tier:
        return self._find("tier", self.tiers, name)

    def category(self, name: str) -> Category:
        return self._find("category", self.categories, name)

    def priority(self, name: str) -> Priority:
        return self._find("priority", self.priorities, name)

    def calendar(self, name: str) -> Calendar:
        return self._find("calendar", self.calendars, name)

    def trigger(self, name: str) -> Trigger:
        return self._find("trigger", self.triggers, name)

    def template(self, name: str) -> Template:
        return self._find("template", self.templates, name)

    def channel(self, name: str) -> Channel:
        return self._find("channel", self.channels, name)

    def level(self, scale: str, name: str) -> Level:
        return self._find(f"{scale} level", self.urgency if scale == "urgency" else self.impact, name)

    def priority_for(self, category: str, urgency: str, impact: str) -> tuple[str, str]:
        """(priority, matrix cell's priority) of a ticket: the matrix's answer, raised by its category's floor
        (a floor can only raise a priority, never lower it)."""
        cell = self.matrix[(urgency, impact)]
        rank = {p.id: i for i, p in enumerate(self.priorities)}
        priority = cell
        for floor in self.floors:
            if floor.category == category and rank[priority] > rank[floor.minimum]:
                priority = floor.minimum
        return priority, cell

    def priority_grid(self) -> list[tuple[Level, list[Priority]]]:
        """The priority matrix as rows: each urgency level with the priority of every impact level, in order."""
        return [(u, [self.priority(self.matrix[(u.id, i.id)]) for i in self.impact]) for u in self.urgency]

    def locate(self, path: JsonPath) -> Location:
        """Where a part of the definition is written, for messages that point at lines."""
        return self.document.locate(path)

    def domains(self) -> dict[str, tuple[Any, ...]]:
        """The finite values each condition field can take, in the model's order."""
        return {
            "category": tuple(c.id for c in self.categories),
            "urgency": tuple(u.id for u in self.urgency),
            "impact": tuple(i.id for i in self.impact),
            "reproduced": (True, False),
            "priority": tuple(p.id for p in self.priorities),
        }


class _Builder:
    """Builds model entities from schema-valid data, collecting duration problems on the way."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def duration(self, text: str, path: JsonPath) -> Duration:
        try:
            return parse_duration(text)
        except ValueError as error:
            self.problems.append(Problem(self.doc.locate(path), str(error)))
            return Duration(1, "hour", False, text)  # never escapes: the loader refuses a process with problems

    def many(self, key: str, make: Callable[[dict[str, Any], JsonPath], T]) -> tuple[T, ...]:
        return tuple(make(raw, (key, i)) for i, raw in enumerate(self.doc.data.get(key, [])))

    def at(self, path: JsonPath) -> Location:
        return self.doc.locate(path)


def _time(text: str | None) -> time | None:
    return time.fromisoformat(text) if text else None


def condition(raw: Mapping[str, list[Any]]) -> Condition:
    return Condition(tuple((key, frozenset(raw[key])) for key in CONDITION_FIELDS if key in raw))


def build_process(doc: Document) -> tuple[Process, list[Problem]]:
    """The model of a schema-valid document, and any problems found while typing its values."""
    b = _Builder(doc)
    d = doc.data
    t = tuple

    def priority(r: dict[str, Any], p: JsonPath) -> Priority:
        return Priority(
            id=r["id"],
            name=r["name"],
            colour=r["colour"],
            calendar=r["calendar"],
            first_response=b.duration(r["first_response"], (*p, "first_response")),
            resolution=b.duration(r["resolution"], (*p, "resolution")),
            acknowledge=b.duration(r["acknowledge"], (*p, "acknowledge")),
            customer_updates=r["customer_updates"],
            location=b.at(p),
        )

    def calendar(r: dict[str, Any], p: JsonPath) -> Calendar:
        return Calendar(
            id=r["id"],
            name=r["name"],
            time_zone=r["time_zone"],
            summary=r["summary"],
            always_open=r.get("always_open", False),
            holidays=r.get("holidays"),
            days=t(WEEKDAYS.index(day) for day in r.get("days", [])),
            opens=_time(r.get("opens")),
            closes=_time(r.get("closes")),
            location=b.at(p),
        )

    def clock(name: str, r: dict[str, Any]) -> Clock:
        target = r.get("target")
        return Clock(
            id=name,
            name=r["name"],
            starts=r["starts"],
            pauses_while_waiting=r["pauses_while_waiting"],
            summary=r["summary"],
            tiers=t(r.get("tiers", [])),
            categories=t(r.get("categories", [])),
            except_categories=t(r.get("except_categories", [])),
            target=b.duration(target, ("clocks", name, "target")) if target else None,
            calendar=r.get("calendar"),
            owner=r.get("owner"),
        )

    def handover(r: dict[str, Any], p: JsonPath) -> Handover:
        w = r.get("fix_window")
        window = (
            FixWindow(
                priorities=t(w["priorities"]),
                weekday=WEEKDAYS.index(w["weekday"]),
                opens=time.fromisoformat(w["opens"]),
                calendar=w["calendar"],
                summary=w["summary"],
            )
            if w
            else None
        )
        return Handover(
            id=r["id"],
            name=r["name"],
            from_tier=r["from"],
            to_tier=r["to"],
            when=r["when"],
            template=r.get("template"),
            notify=t(r["notify"]),
            summary=r["summary"],
            immediate=t(r.get("immediate", [])),
            fix_window=window,
            has_time_goal=r.get("has_time_goal", True),
            location=b.at(p),
        )

    def template(r: dict[str, Any], p: JsonPath) -> Template:
        fields = t(
            TemplateField(
                id=f["id"],
                name=f["name"],
                required=f["required"],
                required_when=condition(f["required_when"]) if "required_when" in f else None,
                hint=f.get("hint", ""),
            )
            for f in r["fields"]
        )
        return Template(
            id=r["id"],
            name=r["name"],
            from_tier=r["from"],
            to=r["to"],
            summary=r["summary"],
            fields=fields,
            location=b.at(p),
        )

    alerts = d["sla_alerts"]
    process = Process(
        file=doc.file,
        meta=Meta(**{k: str(v) for k, v in d["process"].items()}),
        roles=b.many(
            "roles",
            lambda r, p: Role(
                id=r["id"],
                name=r["name"],
                summary=r["summary"],
                responsibilities=t(r["responsibilities"]),
                challenges=t(r.get("challenges", [])),
                needs=t(r.get("needs", [])),
                location=b.at(p),
            ),
        ),
        tiers=b.many(
            "tiers",
            lambda r, p: Tier(
                id=r["id"],
                name=r["name"],
                short_name=r["short_name"],
                owner=r["owner"],
                summary=r["summary"],
                talks_to_customers=r["talks_to_customers"],
                status=r.get("status", f"At {r['short_name']}"),
                location=b.at(p),
            ),
        ),
        categories=b.many(
            "categories", lambda r, p: Category(id=r["id"], name=r["name"], summary=r["summary"], location=b.at(p))
        ),
        urgency=b.many(
            "urgency", lambda r, p: Level(id=r["id"], name=r["name"], definition=r["definition"], location=b.at(p))
        ),
        impact=b.many(
            "impact", lambda r, p: Level(id=r["id"], name=r["name"], definition=r["definition"], location=b.at(p))
        ),
        priorities=b.many("priorities", priority),
        matrix=MappingProxyType({(u, i): pr for u, row in d["priority_matrix"].items() for i, pr in row.items()}),
        floors=b.many(
            "priority_floors",
            lambda r, p: Floor(category=r["category"], minimum=r["minimum"], summary=r["summary"], location=b.at(p)),
        ),
        calendars=b.many("calendars", calendar),
        clocks=MappingProxyType({name: clock(name, raw) for name, raw in d["clocks"].items()}),
        triggers=b.many(
            "triggers",
            lambda r, p: Trigger(
                id=r["id"],
                name=r["name"],
                summary=r["summary"],
                when=condition(r["when"]),
                route=r["route"],
                notify=t(r["notify"]),
                template=r["template"],
                overlaps=t(r.get("overlaps", [])),
                location=b.at(p),
            ),
        ),
        default_route=DefaultRoute(**d["default_route"]),
        announcements=b.many(
            "announcements",
            lambda r, p: Announcement(
                id=r["id"],
                name=r["name"],
                summary=r["summary"],
                when=condition(r["when"]),
                notify=t(r["notify"]),
                location=b.at(p),
            ),
        ),
        handovers=b.many("handovers", handover),
        at_risk=AtRisk(
            threshold_percent=alerts["at_risk"]["threshold_percent"],
            action=alerts["at_risk"]["action"],
            notify=t(alerts["at_risk"]["notify"]),
            summary=alerts["at_risk"]["summary"],
        ),
        breaches=tuple(
            BreachRule(
                id=r["id"],
                name=r["name"],
                tiers=t(r["tiers"]),
                priorities=t(r["priorities"]),
                escalate_to=r.get("escalate_to"),
                alert=r.get("alert"),
                notify=t(r["notify"]),
                summary=r["summary"],
                location=b.at(("sla_alerts", "breaches", i)),
            )
            for i, r in enumerate(alerts["breaches"])
        ),
        templates=b.many("templates", template),
        channels=b.many(
            "channels",
            lambda r, p: Channel(id=r["id"], purpose=r["purpose"], members=t(r["members"]), location=b.at(p)),
        ),
        communication=Communication(**d["communication"]),
        feedback=Feedback(**d["feedback"]),
        metrics=b.many(
            "metrics", lambda r, p: Metric(id=r["id"], name=r["name"], summary=r["summary"], location=b.at(p))
        ),
        jira=JiraSettings(
            field_prefix=d["jira"]["field_prefix"],
            **d["jira"]["statuses"],
            issue_types=t(
                IssueType(id=r["id"], name=r["name"], summary=r["summary"], template=r.get("template"))
                for r in d["jira"]["issue_types"]
            ),
        ),
        document=doc,
        examples=b.many(
            "examples",
            lambda r, p: Example(
                story=r["story"],
                category=r["category"],
                urgency=r["urgency"],
                impact=r["impact"],
                reproduced=r.get("reproduced"),
                reported=r["reported"],
                location=b.at(p),
            ),
        ),
    )
    return process, b.problems
