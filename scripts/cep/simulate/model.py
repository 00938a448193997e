"""The process under load, as a discrete-event simulation written with SimPy: tickets arrive on the scenario's
hour-of-week profile, are triaged at the triage tier and routed by the router, queue (highest priority first)
for the people of each tier, who work on their calendars (on-call people around the clock, for the priorities
whose clock never stops), hand over, come back for a missing field, wait for the customer, and are resolved.

Every ticket leaves a history in Jira's format (report.jira_issue), so `cep report` reads simulated load exactly
as it reads a real site's; `Truth` keeps what really happened, to check that reading against.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count
from typing import Any

import simpy

from ..definition.model import Process
from ..report.jira_issue import IssueBuilder, SiteFields
from ..routing.calendars import BusinessCalendar
from ..routing.router import Router
from ..routing.tickets import Ticket
from .scenario import Scenario, Staff

HOUR = 3600


@dataclass
class Truth:
    """What happened to one ticket, as the simulation knows it."""

    key: str
    priority: str  # the priority it was given (the process's, unless a deviation was injected)
    tiers: list[tuple[int, str]] = field(default_factory=list)  # (unix time, tier) at each move
    responded: int | None = None
    acknowledged: int | None = None
    resolved: int | None = None
    waits: list[tuple[int, int]] = field(default_factory=list)
    returned: bool = False


@dataclass
class _Job:
    rank: tuple[int, int]  # priority first, then arrival order (unique: no two jobs rank alike)
    urgent: bool
    category: str
    done: simpy.Event
    picked: int = 0


class _Tier:
    """One tier: a priority queue and the people who take from it."""

    def __init__(self, model: Simulation, tier: str, staff: Staff, calendar: BusinessCalendar) -> None:
        self.model, self.tier, self.calendar = model, tier, calendar
        self.queue: list[tuple[tuple[int, int], _Job]] = []  # (rank, job): tuples compare in C, jobs never
        self.idle: list[tuple[simpy.Event, bool]] = []  # people on duty with nothing to do: their wake-up, on call?
        self.busy = {"staff": 0.0, "on_call": 0.0}  # hands-on seconds of the people in hours, and of those on call
        self.available = {"staff": 0.0, "on_call": 0.0}
        self.seen_queue: list[int] = []  # the queue each arriving ticket found
        start, end = model.start, model.end
        open_seconds = calendar.offset(_dt(end, calendar)) - calendar.offset(_dt(start, calendar))
        for _ in range(staff.people):
            model.env.process(self._work(calendar, urgent_only=False))
            self.available["staff"] += open_seconds
        for _ in range(staff.on_call):
            model.env.process(self._work(None, urgent_only=True))
            self.available["on_call"] += end - start

    def put(self, job: _Job) -> None:
        self.seen_queue.append(len(self.queue))
        heapq.heappush(self.queue, (job.rank, job))
        for index, (wake, urgent_only) in enumerate(self.idle):  # one person wakes: the first who may take it
            if job.urgent or not urgent_only:
                del self.idle[index]
                wake.succeed()
                return

    def _take(self, urgent_only: bool) -> _Job | None:
        if not self.queue or (urgent_only and not self.queue[0][1].urgent):
            return None
        return heapq.heappop(self.queue)[1]

    def _work(self, calendar: BusinessCalendar | None, urgent_only: bool) -> Iterator[simpy.Event]:
        env = self.model.env
        while True:
            now = int(env.now)
            if calendar is not None:
                moment = _dt(now, calendar)
                opening = calendar.next_opening(moment)
                if opening > moment:
                    yield env.timeout(int(opening.timestamp()) - now)
                    continue
            job = self._take(urgent_only)
            if job is None:
                wake = env.event()
                self.idle.append((wake, urgent_only))
                yield wake
                continue
            job.picked = now
            hands_on = self.model.service_seconds(self.tier, job.category)
            if calendar is None:
                finish = now + hands_on
            else:
                finish = int(calendar.moment(calendar.offset(_dt(now, calendar)) + hands_on).timestamp())
            self.busy["on_call" if calendar is None else "staff"] += hands_on
            yield env.timeout(finish - now)
            job.done.succeed()


def _dt(unix: int, calendar: BusinessCalendar) -> datetime:
    return datetime.fromtimestamp(unix, calendar.zone)


class Simulation:
    """One replication of a scenario."""

    def __init__(self, process: Process, scenario: Scenario, replication: int) -> None:
        self.process, self.scenario = process, scenario
        self.random = random.Random(scenario.seed * 1_000_003 + replication)
        self.router = Router(process)
        self.site = SiteFields(process)
        self.calendars = {c.id: BusinessCalendar(c) for c in process.calendars}
        zone = self.calendars[scenario.busy_calendar].zone
        first = datetime(scenario.start.year, scenario.start.month, scenario.start.day, tzinfo=zone)
        self.start = int(first.timestamp())
        self.end = int((first + timedelta(days=scenario.days)).timestamp())
        self.env = simpy.Environment(initial_time=self.start)
        self.triage = process.default_route.tier
        self.status = {t.id: t.status for t in process.tiers}
        self.rank = {p.id: i for i, p in enumerate(process.priorities)}
        always = {c.id for c in process.calendars if c.always_open}
        self.urgent = {p.id for p in process.priorities if p.calendar in always}
        self.tiers = {
            tier: _Tier(self, tier, staff, self.calendars[staff.calendar]) for tier, staff in scenario.staff.items()
        }
        # Every template field's Jira name, in order: each simulated ticket has them all filled in.
        texts = dict.fromkeys(self.site.jira.template_field(f) for t in process.templates for f in t.fields)
        own = {*(self.site.jira.fields[k] for k in ("category", "urgency", "impact", "reproduced", "tier"))}
        own |= {"priority", "status", "reporter"}
        self.given = {name: "given" for name in texts if name not in own}  # made once, copied into every ticket
        self.issues: list[IssueBuilder] = []
        self.truths: list[Truth] = []
        self._arrivals = 0
        self._order = count()  # the order jobs are queued in: first come, first served within a priority

    def service_seconds(self, tier: str, category: str) -> int:
        hours = self.scenario.service_hours[tier]
        return max(1, round(self.random.expovariate(1 / (hours.get(category, hours["default"]) * HOUR))))

    def _choose(self, weights: dict[str, float]) -> str:
        return self.random.choices(list(weights), weights=list(weights.values()))[0]

    def arrival_times(self) -> Iterator[int]:
        """Poisson arrivals whose rate follows the profile hour by hour (open, other weekday, weekend/holiday)."""
        scenario, busy = self.scenario, self.calendars[self.scenario.busy_calendar]
        kinds = []
        for hour in range(self.start, self.end, HOUR):
            moment = _dt(hour, busy)
            if not busy.is_open_day(moment.date()):
                kinds.append(2)
            else:
                kinds.append(0 if busy.next_opening(moment) == moment else 1)
        weights = [scenario.profile[k] for k in kinds]
        week_weight = sum(weights) * 7 * 24 / max(len(weights), 1)
        for index, weight in enumerate(weights):
            rate = scenario.per_week * weight / week_weight / HOUR if week_weight else 0.0
            t = 0.0
            while rate > 0:
                t += self.random.expovariate(rate)
                if t >= HOUR:
                    break
                yield self.start + index * HOUR + int(t)

    def _arrive(self) -> Iterator[simpy.Event]:
        for when in self.arrival_times():
            yield self.env.timeout(when - int(self.env.now))
            self.env.process(self._ticket())

    def run(self) -> Simulation:
        self.env.process(self._arrive())
        self.env.run(until=self.end)
        return self

    # -- one ticket ---------------------------------------------------------------------------------------------
    def _serve(self, tier: str, job_rank: int, urgent: bool, category: str) -> Iterator[simpy.Event]:
        job = _Job((job_rank, next(self._order)), urgent, category, self.env.event())
        self.tiers[tier].put(job)
        yield job.done
        return job.picked

    def _ticket(self) -> Iterator[simpy.Event]:
        self._arrivals += 1
        s, now = self.scenario, int(self.env.now)
        category, urgency, impact = (self._choose(s.mix[kind]) for kind in ("category", "urgency", "impact"))
        reproduced = self.random.random() < s.reproduced
        zone = self.calendars[s.busy_calendar].zone
        created = datetime.fromtimestamp(now, zone)
        ticket = Ticket(f"SIM-{self._arrivals}", category, urgency, impact, created, reproduced, self.triage)
        decision = self.router.route(ticket)
        priority = decision.priority
        if self.random.random() < s.wrong_priority:
            others = [p.id for p in self.process.priorities if p.id != priority]
            priority = self.random.choice(others)
        truth = Truth(ticket.id, priority, tiers=[(now, self.triage)])
        template = self.process.template(decision.template) if decision.template else None
        returning = template is not None and self.random.random() < s.returned_share
        gap = next((f for f in template.fields if f.required and f.id not in _AUTOMATIC), None) if template else None
        issue = self._issue(ticket, priority, blank=self.site.jira.template_field(gap) if returning and gap else None)
        self.issues.append(issue)
        self.truths.append(truth)
        rank, urgent = self.rank[priority], priority in self.urgent

        def at() -> datetime:
            return datetime.fromtimestamp(int(self.env.now), zone)

        def move(tier: str) -> None:
            moment = at()
            issue.change(moment, self.site.jira.fields["tier"], tier)
            issue.change(moment, "status", self.status[tier])
            truth.tiers.append((int(self.env.now), tier))

        picked = yield from self._serve(self.triage, rank, urgent, category)
        issue.comment(datetime.fromtimestamp(picked, zone), "agent")
        truth.responded = picked
        route = decision.route
        if route != self.triage:
            move(route)
            picked = yield from self._serve(route, rank, urgent, category)
            issue.change(datetime.fromtimestamp(picked, zone), "assignee", route)
            truth.acknowledged = picked
            if returning and gap is not None:  # back to triage for the missing field, then up again
                truth.returned = True
                moment = at()
                issue.change(moment, "status", self.process.jira.returned)
                issue.change(moment, self.site.jira.fields["tier"], self.triage)
                truth.tiers.append((int(self.env.now), self.triage))
                yield from self._serve(self.triage, rank, urgent, category)
                issue.change(at(), self.site.jira.template_field(gap), "added on return")
                move(route)
                yield from self._serve(route, rank, urgent, category)
            handover = next(
                (h for h in self.process.handovers if h.from_tier == route and h.when == "needs-code-change"), None
            )
            if handover is not None and self.random.random() < s.code_change:
                issue.change(at(), self.site.jira.fields["needs_code_change"], "Yes")
                move(handover.to_tier)
                picked = yield from self._serve(handover.to_tier, rank, urgent, category)
                issue.change(datetime.fromtimestamp(picked, zone), "assignee", handover.to_tier)
        yield from self._wait(issue, truth, zone)
        issue.resolve(at(), self.process.jira.resolved)
        truth.resolved = int(self.env.now)

    def _wait(self, issue: IssueBuilder, truth: Truth, zone: Any) -> Iterator[simpy.Event]:
        s = self.scenario
        if self.random.random() >= s.wait_share:
            return
        start = int(self.env.now)
        back = issue.values.get("status")
        issue.change(datetime.fromtimestamp(start, zone), "status", self.process.jira.waiting)
        yield self.env.timeout(max(1, round(self.random.expovariate(1 / (s.wait_hours * HOUR)))))
        end = int(self.env.now)
        issue.change(datetime.fromtimestamp(end, zone), "status", back)
        truth.waits.append((start, end))

    def _issue(self, ticket: Ticket, priority: str, blank: str | None) -> IssueBuilder:
        names = self.site.jira.fields
        fields: dict[str, Any] = {
            names["category"]: ticket.category,
            names["urgency"]: ticket.urgency,
            names["impact"]: ticket.impact,
            names["reproduced"]: "Yes" if ticket.reproduced else "No",
            names["tier"]: self.triage,
            "priority": priority,
            "status": self.status[self.triage],
            "reporter": {"accountId": "customer"},
            **self.given,
        }
        if blank is not None:
            fields[blank] = None
        return IssueBuilder(self.site, ticket.id, ticket.created, fields)


_AUTOMATIC = {"summary", "category", "urgency", "impact", "priority"}
