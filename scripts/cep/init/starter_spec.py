"""The starter specification `cep init` writes: Gherkin scenarios that state, in literal values, what a definition
does today — every priority matrix cell, each trigger's route and channels, each priority's deadlines on a dated
example. They are computed once, at init, and never again: from then on they are the team's own statement of the
process, independent of the definition, so that a change to the definition that alters a behaviour makes exactly
the scenarios that state that behaviour fail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from itertools import product
from zoneinfo import ZoneInfo

from ..definition.model import Process, Trigger
from ..routing.router import Decision, Router
from ..routing.tickets import TicketParser

HEADER = """\
# Written by `cep init` from {source}. This is your team's specification now: review it, correct what
# your process should do differently, and keep it in step with the definition by hand. It does not read the
# definition, so a change there that alters what a ticket gets makes the scenarios stating it fail; then
# either the change or the scenario is wrong. Run it with `cep spec`. Times are in {zone}.
"""


class _Ticket:
    """One kind of ticket, as a Given step and as the router's input."""

    def __init__(self, category: str, urgency: str, impact: str, reproduced: bool | None) -> None:
        self.category, self.urgency, self.impact, self.reproduced = category, urgency, impact, reproduced

    def fields(self) -> dict[str, object]:
        fields: dict[str, object] = {"category": self.category, "urgency": self.urgency, "impact": self.impact}
        return fields if self.reproduced is None else {**fields, "reproduced": self.reproduced}

    def given(self, triage: str) -> list[str]:
        article = "an" if self.category[:1].lower() in "aeiou" else "a"
        steps = [f'Given {article} "{self.category}" ticket with "{self.urgency}" urgency and "{self.impact}" impact']
        if self.reproduced is not None:
            steps.append(f"And {triage} {'has reproduced it' if self.reproduced else 'could not reproduce it'}")
        return steps


class _Writer:
    def __init__(self, process: Process) -> None:
        self.process = process
        self.router = Router(process)
        self.parser = TicketParser(process)
        self.triage = process.tier(process.default_route.tier).short_name
        self.zone = ZoneInfo(process.calendars[0].time_zone)

    def decide(self, ticket: _Ticket, created: datetime | None = None) -> Decision:
        raw = {"id": "starter", **ticket.fields()}
        if created is not None:
            raw["created"] = created.isoformat()
        else:
            raw["created"] = "2026-11-30T09:00:00+02:00"  # what the Given step sets when no creation time is given
        return self.router.route(self.parser.parse(raw))

    def kinds(self, trigger: Trigger | None) -> Iterator[_Ticket]:
        """Every kind of ticket, the mildest first (so that an example needs no more than its trigger asks);
        whether it was reproduced is said only when the trigger asks."""
        asks = trigger is not None and trigger.when.allowed("reproduced") is not None
        for category, urgency, impact, reproduced in product(
            self.process.categories,
            reversed(self.process.urgency),
            reversed(self.process.impact),
            (True, False) if asks else (None,),
        ):
            yield _Ticket(category.id, urgency.id, impact.id, reproduced)

    def plain_category(self) -> str:
        """A category no floor raises, so its tickets show the matrix as it is (else the first)."""
        floored = {floor.category for floor in self.process.floors}
        return next((c.id for c in self.process.categories if c.id not in floored), self.process.categories[0].id)

    def channels(self, notify: tuple[str, ...]) -> str:
        if not notify:
            return "And no channel is notified"
        names = [f'"{channel}"' for channel in sorted(notify)]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"And exactly {listed} {'is' if len(names) == 1 else 'are'} notified"

    def local(self, moment: datetime) -> str:
        return f"{moment.astimezone(self.zone):%a %Y-%m-%d %H:%M}"


def _feature(title: str, summary: str, scenarios: list[list[str]], header: str) -> str:
    lines = [header, f"Feature: {title}", f"  {summary}", ""]
    for scenario in scenarios:
        lines += [f"  {scenario[0]}", *(f"    {step}".rstrip() for step in scenario[1:]), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(cell) for cell in column) for column in zip(*rows, strict=True)]
    return ["| " + " | ".join(cell.ljust(n) for cell, n in zip(row, widths, strict=True)) + " |" for row in rows]


def _matrix(w: _Writer) -> list[list[str]]:
    category = w.plain_category()
    rows = [["urgency", "impact", "priority"]]
    for urgency, impact in product(w.process.urgency, w.process.impact):
        rows.append([urgency.id, impact.id, w.decide(_Ticket(category, urgency.id, impact.id, None)).priority])
    return [
        [
            "Scenario Outline: <urgency> urgency and <impact> impact give <priority>",
            f'Given a "{category}" ticket with "<urgency>" urgency and "<impact>" impact',
            f"When {w.triage} triages it",
            'Then its priority is "<priority>"',
            "",
            "Examples:",
            *(f"  {line}" for line in _table(rows)),
        ]
    ]


def _triggers(w: _Writer) -> list[list[str]]:
    """One scenario per trigger, with the first kind of ticket it decides; and one for a ticket none matches."""
    scenarios = []
    for trigger in [*w.process.triggers, None]:
        wanted = trigger.id if trigger else None
        ticket = next((t for t in w.kinds(trigger) if w.decide(t).trigger == wanted), None)
        if ticket is None:  # a trigger no ticket reaches: cep check reports it as shadowed
            continue
        decision = w.decide(ticket)
        route = w.process.tier(decision.route).short_name
        name = trigger.name if trigger else f"No trigger matches: the ticket stays with {w.triage}"
        outcome = (
            f"Then it stays with {route}"
            if decision.route == w.process.default_route.tier
            else (f"Then it is routed to {route}")
        )
        scenarios.append(
            [
                f"Scenario: {name}",
                *ticket.given(w.triage),
                f"When {w.triage} triages it",
                outcome,
                f'And its priority is "{decision.priority}"',
                w.channels(decision.notify),
            ]
        )
    return scenarios


def _first_working_morning(w: _Writer, year: int) -> datetime:
    """10:00 on the first Tuesday of March of `year` that every business calendar is open: a plain weekday."""
    from ..routing.calendars import BusinessCalendar

    day = date(year, 3, 1)
    day += timedelta(days=(1 - day.weekday()) % 7)
    calendars = [BusinessCalendar(c) for c in w.process.calendars]
    while True:
        moment = datetime(day.year, day.month, day.day, 10, tzinfo=w.zone)
        if all(calendar.next_opening(moment) == moment for calendar in calendars):
            return moment
        day += timedelta(days=7)


def _time_goals(w: _Writer, year: int) -> list[list[str]]:
    created = _first_working_morning(w, year)
    category = w.plain_category()
    scenarios = []
    for priority in w.process.priorities:
        cell = next(
            (
                (u.id, i.id)
                for u, i in product(w.process.urgency, w.process.impact)
                if w.process.matrix[(u.id, i.id)] == priority.id
            ),
            None,
        )
        if cell is None:
            continue
        ticket = _Ticket(category, *cell, None)
        decision = w.decide(ticket, created)
        dues = [
            f'And the {w.process.clocks[key].name.lower()} is due "{w.local(due)}"'
            for key, due in decision.due.items()
            if due is not None
        ]
        scenarios.append(
            [
                f"Scenario: A {priority.id} ticket created on {w.local(created)}",
                *ticket.given(w.triage),
                f'And it was created at "{w.local(created)}"',
                f"When {w.triage} triages it",
                f'Then its priority is "{decision.priority}"',
                *dues,
            ]
        )
    return scenarios


def starter_features(process: Process, source: str, year: int) -> dict[str, str]:
    """The starter specification's files (name → text) for `process`, its dated examples in `year`."""
    w = _Writer(process)
    header = HEADER.format(source=source, zone=process.calendars[0].time_zone)
    return {
        "priority-matrix.feature": _feature(
            "Urgency and impact set the priority",
            "Every cell of the priority matrix, for a kind of ticket no category floor raises.",
            _matrix(w),
            header,
        ),
        "triggers.feature": _feature(
            f"{w.triage} triage routes each ticket by the escalation triggers, in order",
            "One kind of ticket each trigger decides: where it goes and exactly who hears about it.",
            _triggers(w),
            header,
        ),
        "time-goals.feature": _feature(
            "Each priority's time goals, on a dated example",
            "When each clock is due for a ticket created on an ordinary working morning.",
            _time_goals(w, year),
            header,
        ),
    }
