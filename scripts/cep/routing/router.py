"""The router: where a ticket goes, at what priority, whom to tell, when each clock is due, and why.

Pure: no I/O and no clock reads; the moment to judge clocks at is an argument. Everything comes from the
process model: triggers, matrix, floors, calendars, hand-overs, templates and breach rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from ..definition.model import BreachRule, FixWindow, Handover, Process, Template, Trigger
from .calendars import BusinessCalendar, fix_window_start
from .tickets import Ticket

# Ticket attributes that also fill the template fields of the same name.
FROM_TICKET = ("category", "urgency", "impact", "priority")


# What a hand-over's `when` says, in its explanation.
_HANDED_OVER_WHEN = {
    "needs-code-change": "a code change is needed",
    "accepted-into-roadmap": "accepted into the roadmap",
}

# The ticket's flag that makes a hand-over's `when` hold.
HANDOVER_FLAG = {"needs-code-change": "needs_code_change", "accepted-into-roadmap": "accepted_into_roadmap"}

# The ticket's field whose time stops each clock.
STOPPED_BY = {
    "first_response": "responded",
    "resolution": "resolved",
    "review": "resolved",
    "acknowledge": "acknowledged",
}


@dataclass(frozen=True)
class ClockState:
    """One clock judged at a moment: `ok`, `at-risk`, `breached`, or `met` / `missed` once stopped."""

    name: str
    due: datetime | None
    state: str
    action: str | None
    notify: tuple[str, ...] = ()  # the channels the warning or the missed goal is posted in


class Decision(NamedTuple):
    """Where a ticket goes and when its clocks are due; `clocks` is set when judged at a moment."""

    ticket: str
    route: str
    priority: str
    trigger: str | None
    notify: tuple[str, ...]
    template: str | None
    missing_fields: tuple[str, ...]
    due: Mapping[str, datetime | None]  # only the clocks that apply; None while paused with no end in sight
    starts: Mapping[str, datetime]
    explanation: str
    clocks: tuple[ClockState, ...] | None = None


@dataclass(frozen=True)
class _Path:
    """What a ticket's finite fields decide, computed once per combination: route, targets and the why."""

    priority: str
    trigger: Trigger | None
    handover: Handover | None
    route: str
    template: Template | None
    notify: tuple[str, ...]  # the route's channels and the announcements, without repeats
    announce: tuple[str, ...]  # the announcements alone, for an escalation returned for missing fields
    calendar: BusinessCalendar
    first_response: int  # target seconds of open time
    resolution: int | None  # None when the category has no resolution goal
    review: BusinessCalendar | None  # the review clock's calendar, for the categories it reviews
    acknowledge: int | None  # None when the ticket does not move to a tier that must acknowledge
    window: FixWindow | None  # the fix window the acknowledgement waits for, if any
    explanation: str  # everything but what depends on the ticket's times and fields
    due: dict[str, tuple[BusinessCalendar | None, int | None]]  # each clock's calendar and target, in output order


class Schedule(NamedTuple):
    """What a ticket's times and fields add to its path: shared by `route` and the fast encoder."""

    path: _Path
    missing: tuple[str, ...]
    due: dict[str, tuple[BusinessCalendar, int | None]]  # clock → (calendar, due offset; None while paused)
    entered: datetime | None  # when the acknowledgement clock starts, if it runs
    explanation: str


def ticket_path(ticket: Ticket) -> tuple[str, str, str, bool, str, bool, bool]:
    """What of a ticket decides its path: `Router.path`'s arguments."""
    return (
        ticket.category,
        ticket.urgency,
        ticket.impact,
        ticket.reproduced,
        ticket.tier,
        ticket.needs_code_change,
        ticket.accepted_into_roadmap,
    )


def normalise_field(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


class Router:
    """Routes tickets through one process; build once, call `route` per ticket."""

    def __init__(self, process: Process) -> None:
        self.process = process
        self.calendars = {c.id: BusinessCalendar(c) for c in process.calendars}

        self.priorities = {p.id: p for p in process.priorities}
        self.templates = {t.id: t for t in process.templates}
        # Each template's field ids, normalised as a ticket's field names are (an id may be `Expected-Outcome`).
        self.field_keys = {t.id: tuple(normalise_field(f.id) for f in t.fields) for t in process.templates}
        self.tier_names = {t.id: t.name for t in process.tiers}
        self.trigger_numbers = {t.id: n for n, t in enumerate(process.triggers, start=1)}
        self.triage_tier = process.default_route.tier
        self.domains = process.domains()
        review = process.clocks["review"]
        self.review_calendar = self.calendars[review.calendar] if review.calendar else None
        self.review_target = (
            self.review_calendar.seconds(review.target) if self.review_calendar and review.target else 0
        )
        self.resolution_pauses = process.clocks["resolution"].pauses_while_waiting
        self.path = lru_cache(maxsize=4096)(self._path)

    # -- what the fields decide ---------------------------------------------------------------------------
    def _path(
        self, category: str, urgency: str, impact: str, reproduced: bool, tier: str, code: bool, accepted: bool = False
    ) -> _Path:
        clocks = self.process.clocks
        priority, cell = self.process.priority_for(category, urgency, impact)
        values = {
            "category": category,
            "urgency": urgency,
            "impact": impact,
            "reproduced": reproduced,
            "priority": priority,
        }
        announce = tuple(c for a in self.process.announcements if a.when.matches(values) for c in a.notify)
        trigger = handover = None
        route, notify, template = tier, (), None
        if tier == self.triage_tier:
            trigger = next((t for t in self.process.triggers if t.when.matches(values)), None)
            if trigger:
                route, notify, template = trigger.route, trigger.notify, self.templates[trigger.template]
        else:
            flags = {"needs_code_change": code, "accepted_into_roadmap": accepted}
            handover = next(
                (h for h in self.process.handovers if h.from_tier == tier and flags[HANDOVER_FLAG[h.when]]), None
            )
            if handover:
                route, notify = handover.to_tier, handover.notify
                template = self.templates[handover.template] if handover.template else None
        target = self.priorities[priority]
        calendar = self.calendars[target.calendar]
        acknowledges = (
            route != tier and route in clocks["acknowledge"].tiers and (handover is None or handover.has_time_goal)
        )
        window = handover.fix_window if handover else None
        notify = tuple(dict.fromkeys((*notify, *announce)))
        explanation = self._explain(category, urgency, impact, tier, priority, cell, trigger, handover, calendar)
        first_response = calendar.seconds(target.first_response)
        resolution = None if category in clocks["resolution"].except_categories else calendar.seconds(target.resolution)
        review = self.review_calendar if category in clocks["review"].categories else None
        acknowledge = calendar.seconds(target.acknowledge) if acknowledges else None
        clocks_due = {
            "first_response": (calendar, first_response),
            "resolution": (calendar, resolution),
            "review": (review, self.review_target),
            "acknowledge": (calendar, acknowledge),
        }
        return _Path(
            priority=priority,
            trigger=trigger,
            handover=handover,
            route=route,
            template=template,
            notify=notify,
            announce=tuple(dict.fromkeys(announce)),
            calendar=calendar,
            first_response=first_response,
            resolution=resolution,
            review=review,
            acknowledge=acknowledge,
            window=window if window and priority in window.priorities else None,
            explanation=explanation,
            due=clocks_due,
        )

    def missing_fields(self, template: Template, ticket: Ticket, priority: str) -> tuple[str, ...]:
        filled = {normalise_field(k) for k, v in (ticket.fields or {}).items() if v not in (None, "", [], {})}
        return self.lacking(template, filled, ticket, priority)

    def lacking(self, template: Template, filled: set[str], ticket: Ticket, priority: str) -> tuple[str, ...]:
        """The template's fields required of `ticket` and not among `filled` (field ids, normalised) nor taken from
        it."""
        filled = filled.union(FROM_TICKET)
        values = {
            "category": ticket.category,
            "urgency": ticket.urgency,
            "impact": ticket.impact,
            "reproduced": ticket.reproduced,
            "priority": priority,
        }
        return tuple(
            f.id
            for f, key in zip(template.fields, self.field_keys[template.id], strict=True)
            if (f.required or (f.required_when is not None and f.required_when.matches(values))) and key not in filled
        )

    # -- deadlines --------------------------------------------------------------------------------------------
    @staticmethod
    def _paused_deadline(
        calendar: BusinessCalendar,
        start: int,
        target: int,
        waiting: tuple[tuple[datetime, datetime | None], ...],
        at: datetime | None,
    ) -> int | None:
        """Due offset of a clock that pauses while waiting; None while a wait has no end and no `at` is given."""
        due = start + target
        for wait_from, wait_to in sorted(waiting, key=lambda w: w[0]):
            end = wait_to or at
            if end is None:
                return None
            begin = max(calendar.offset(wait_from), start)
            if begin < due:
                due += max(calendar.offset(end) - begin, 0)
        return due

    def schedule(self, ticket: Ticket, at: datetime | None = None) -> Schedule:
        """The ticket's path and what its times and fields add to it: the deadlines, the fields it lacks, when the
        acknowledgement clock starts, and the explanation."""
        p = self.path(*ticket_path(ticket))
        calendar, created = p.calendar, ticket.created
        start = calendar.offset(created)
        due: dict[str, tuple[BusinessCalendar, int | None]] = {"first_response": (calendar, start + p.first_response)}
        if p.resolution is not None:
            due["resolution"] = (
                calendar,
                self._paused_deadline(calendar, start, p.resolution, ticket.waiting, at)
                if ticket.waiting and self.resolution_pauses
                else start + p.resolution,
            )
        if p.review is not None:
            review = p.review
            due["review"] = (review, (start if review is calendar else review.offset(created)) + self.review_target)
        missing = (
            self.missing_fields(p.template, ticket, p.priority) if p.template and ticket.fields is not None else ()
        )
        if missing:
            template = p.template.name if p.template else ""
            returned = f" Returned to {self.tier_names[ticket.tier]}: the {template} lacks {', '.join(missing)}."
            return Schedule(p, missing, due, None, p.explanation + returned)
        if p.acknowledge is None:
            return Schedule(p, missing, due, None, p.explanation)
        explanation = p.explanation
        entered = ticket.escalated or created
        if p.window:
            window = p.window
            entered = fix_window_start(entered, window.weekday, window.opens, self.calendars[window.calendar])
            explanation += (
                f" {p.priority} waits for the fix window: {self.tier_names[p.route]}'s clock starts"
                f" {entered.isoformat()}."
            )
        begins = start if entered is created else calendar.offset(entered)
        due["acknowledge"] = (calendar, begins + p.acknowledge)
        return Schedule(p, missing, due, entered, explanation)

    def route(self, ticket: Ticket, at: datetime | None = None) -> Decision:
        p, missing, due, entered, explanation = self.schedule(ticket, at)
        created = ticket.created
        starts = {name: created for name in due}
        if entered is not None:
            starts["acknowledge"] = entered
        decision = Decision(
            ticket=ticket.id,
            route=ticket.tier if missing else p.route,
            priority=p.priority,
            trigger=p.trigger.id if p.trigger else None,
            notify=p.announce if missing else p.notify,
            template=p.template.id if p.template else None,
            missing_fields=missing,
            due={name: None if offset is None else cal.moment(offset) for name, (cal, offset) in due.items()},
            starts=starts,
            explanation=explanation,
        )
        if at is None:
            return decision
        return decision._replace(clocks=self._judge(ticket, decision, at))

    # -- clocks at a moment -------------------------------------------------------------------------------------
    def _judge(self, ticket: Ticket, decision: Decision, at: datetime) -> tuple[ClockState, ...]:
        stops = {name: getattr(ticket, field) for name, field in STOPPED_BY.items()}
        states = []
        for name, due in decision.due.items():
            assert due is not None, "judged at a moment, a wait with no end lasts until that moment: every clock is due"
            stopped, notify = stops[name], ()
            if stopped is not None and stopped <= at:
                state, action = ("met" if stopped <= due else "missed"), None
            elif at >= due:
                rule = self._breach_rule(ticket, decision, name)
                state, action, notify = "breached", rule and rule.action, rule.notify if rule else ()
            elif self._at_risk(ticket, name, decision.starts[name], due, at, decision.priority):
                state, action, notify = "at-risk", self.process.at_risk.action, self.process.at_risk.notify
            else:
                state, action = "ok", None
            states.append(ClockState(name, due, state, action, notify))
        return tuple(states)

    def _at_risk(self, ticket: Ticket, name: str, start: datetime, due: datetime, at: datetime, priority: str) -> bool:
        clock = self.process.clocks[name]
        calendar = self.calendars[clock.calendar or self.priorities[priority].calendar]
        waits = ticket.waiting if clock.pauses_while_waiting else ()
        elapsed = calendar.open_between(start, at) - self._paused(calendar, waits, start, at, at)
        total = calendar.open_between(start, due) - self._paused(calendar, waits, start, due, at)
        return elapsed * 100 >= self.process.at_risk.threshold_percent * total

    @staticmethod
    def _paused(
        calendar: BusinessCalendar,
        waits: tuple[tuple[datetime, datetime | None], ...],
        start: datetime,
        until: datetime,
        at: datetime,
    ) -> int:
        """Open seconds between `start` and `until` spent waiting; a wait still open lasts until `at`."""
        return sum(
            calendar.open_between(max(wait_from, start), min(wait_to or at, until)) for wait_from, wait_to in waits
        )

    def _breach_rule(self, ticket: Ticket, decision: Decision, clock: str) -> BreachRule | None:
        # The acknowledgement clock belongs to the receiving tier; the others to where the ticket is now.
        tier = decision.route if clock == "acknowledge" else ticket.tier
        return next((r for r in self.process.breaches if tier in r.tiers and decision.priority in r.priorities), None)

    # -- why ------------------------------------------------------------------------------------------------------
    def _explain(
        self,
        category: str,
        urgency: str,
        impact: str,
        tier: str,
        priority: str,
        cell: str,
        trigger: Trigger | None,
        handover: Handover | None,
        calendar: BusinessCalendar,
    ) -> str:
        parts = [f"Priority {priority}: urgency {urgency} × impact {impact} gives {cell}"]
        if priority != cell:
            parts[-1] += f", raised to {priority} by the {category} floor"
        if trigger:
            number = self.trigger_numbers[trigger.id]
            parts.append(
                f"trigger {number} '{trigger.id}' matched ({trigger.when.describe(self.domains)}) "
                f"→ {self.tier_names[trigger.route]}"
            )
        elif handover:
            why = _HANDED_OVER_WHEN[handover.when]
            parts.append(f"hand-over '{handover.id}' ({why}) → {self.tier_names[handover.to_tier]}")
        elif tier == self.triage_tier:
            parts.append(f"no trigger matched: stays at {self.tier_names[tier]}")
        else:
            parts.append(f"stays at {self.tier_names[tier]}")
        cal = calendar.calendar
        hours = (
            "around the clock"
            if cal.always_open
            else f"{cal.opens:%H:%M}–{cal.closes:%H:%M} {cal.time_zone}"
            + (f", {cal.holidays} holidays excluded" if cal.holidays else "")
        )
        parts.append(f"clocks count in '{cal.id}' ({hours})")
        return "; ".join(parts) + "."
