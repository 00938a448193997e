"""The floor for `cep simulate`: the same model as cep.simulate.model — same arrivals, routes, priority queues,
people on calendars and on call, returns, customer waits, code-change hand-overs, the same Jira histories and
ground truth written as things happen — as a minimal event loop over a heap, without SimPy: callbacks instead of
processes. What the two differ in is the event engine, which is what the benchmark compares."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from datetime import datetime
from itertools import count

from cep.definition.model import Process
from cep.routing.tickets import Ticket
from cep.simulate.model import _AUTOMATIC, Simulation, Truth
from cep.simulate.scenario import Scenario


class HeapModel:
    def __init__(self, process: Process, scenario: Scenario, replication: int) -> None:
        self.sim = Simulation(process, scenario, replication)  # its set-up: calendars, router, draws, arrivals
        self.events: list[tuple[int, int, Callable[[], None]]] = []
        self.order = count()
        self.now = self.sim.start
        self.queues: dict[str, list[tuple[tuple[int, int], bool, str, Callable[[int], None]]]] = {}
        self.idle: dict[str, list[tuple[object, bool]]] = {}
        for tier, staff in scenario.staff.items():
            self.queues[tier], self.idle[tier] = [], []
            calendar = self.sim.calendars[staff.calendar]
            for _ in range(staff.people):
                self._free(tier, calendar, False)
            for _ in range(staff.on_call):
                self._free(tier, None, True)

    def at(self, when: int, action: Callable[[], None]) -> None:
        heapq.heappush(self.events, (when, next(self.order), action))

    # -- people --------------------------------------------------------------------------------------------------
    def _free(self, tier: str, calendar, urgent_only: bool) -> None:  # type: ignore[no-untyped-def]
        if calendar is not None:
            moment = datetime.fromtimestamp(self.now, calendar.zone)
            opening = calendar.next_opening(moment)
            if opening > moment:
                self.at(int(opening.timestamp()), lambda: self._free(tier, calendar, urgent_only))
                return
        queue = self.queues[tier]
        if queue and not (urgent_only and not queue[0][1]):
            self._start(tier, calendar, urgent_only, heapq.heappop(queue))
        else:
            self.idle[tier].append((calendar, urgent_only))

    def _start(self, tier: str, calendar, urgent_only: bool, job) -> None:  # type: ignore[no-untyped-def]
        _, _, category, done = job
        picked = self.now
        hands_on = self.sim.service_seconds(tier, category)
        if calendar is None:
            finish = picked + hands_on
        else:
            start = calendar.offset(datetime.fromtimestamp(picked, calendar.zone))
            finish = int(calendar.moment(start + hands_on).timestamp())

        def finished() -> None:
            done(picked)
            self._free(tier, calendar, urgent_only)

        self.at(finish, finished)

    def serve(self, tier: str, rank: int, urgent: bool, category: str, done: Callable[[int], None]) -> None:
        job = ((rank, next(self.order)), urgent, category, done)
        idle = self.idle[tier]
        for index, (calendar, urgent_only) in enumerate(idle):
            if urgent or not urgent_only:
                del idle[index]
                self._start(tier, calendar, urgent_only, job)
                return
        heapq.heappush(self.queues[tier], job)

    # -- tickets -------------------------------------------------------------------------------------------------
    def arrive(self) -> None:
        sim, s = self.sim, self.sim.scenario
        sim._arrivals += 1
        category, urgency, impact = (sim._choose(s.mix[kind]) for kind in ("category", "urgency", "impact"))
        reproduced = sim.random.random() < s.reproduced
        zone = sim.calendars[s.busy_calendar].zone
        created = datetime.fromtimestamp(self.now, zone)
        ticket = Ticket(f"SIM-{sim._arrivals}", category, urgency, impact, created, reproduced, sim.triage)
        decision = sim.router.route(ticket)
        priority = decision.priority
        if sim.random.random() < s.wrong_priority:
            priority = sim.random.choice([p.id for p in sim.process.priorities if p.id != priority])
        truth = Truth(ticket.id, priority, tiers=[(self.now, sim.triage)])
        template = sim.process.template(decision.template) if decision.template else None
        returning = template is not None and sim.random.random() < s.returned_share
        gap = next((f for f in template.fields if f.required and f.id not in _AUTOMATIC), None) if template else None
        issue = sim._issue(ticket, priority, blank=sim.site.jira.template_field(gap) if returning and gap else None)
        sim.issues.append(issue)
        sim.truths.append(truth)
        rank, urgent, route, tier_field = (
            sim.rank[priority],
            priority in sim.urgent,
            decision.route,
            sim.site.jira.fields["tier"],
        )

        def at(unix: int | None = None) -> datetime:
            return datetime.fromtimestamp(self.now if unix is None else unix, zone)

        def move(tier: str) -> None:
            moment = at()
            issue.change(moment, tier_field, tier)
            issue.change(moment, "status", sim.status[tier])
            truth.tiers.append((self.now, tier))

        def resolve() -> None:
            issue.resolve(at(), sim.process.jira.resolved)
            truth.resolved = self.now

        def wait_then_resolve() -> None:
            if sim.random.random() >= s.wait_share:
                resolve()
                return
            start, back = self.now, issue.values.get("status")
            issue.change(at(), "status", sim.process.jira.waiting)

            def back_again() -> None:
                issue.change(at(), "status", back)
                truth.waits.append((start, self.now))
                resolve()

            self.at(self.now + max(1, round(sim.random.expovariate(1 / (s.wait_hours * 3600)))), back_again)

        def after_route(_: int) -> None:
            handover = next(
                (h for h in sim.process.handovers if h.from_tier == route and h.when == "needs-code-change"), None
            )
            if handover is not None and sim.random.random() < s.code_change:
                issue.change(at(), sim.site.jira.fields["needs_code_change"], "Yes")
                move(handover.to_tier)
                self.serve(handover.to_tier, rank, urgent, category, lambda _: wait_then_resolve())
            else:
                wait_then_resolve()

        def completed(_: int) -> None:
            issue.change(at(), sim.site.jira.template_field(gap), "added on return")
            move(route)
            self.serve(route, rank, urgent, category, after_route)

        def acknowledged(picked: int) -> None:
            issue.change(at(picked), "assignee", route)
            truth.acknowledged = picked
            if returning and gap is not None:
                truth.returned = True
                moment = at()
                issue.change(moment, "status", sim.process.jira.returned)
                issue.change(moment, tier_field, sim.triage)
                truth.tiers.append((self.now, sim.triage))
                self.serve(sim.triage, rank, urgent, category, completed)
            else:
                after_route(picked)

        def triaged(picked: int) -> None:
            issue.comment(at(picked), "agent")
            truth.responded = picked
            if route == sim.triage:
                wait_then_resolve()
            else:
                move(route)
                self.serve(route, rank, urgent, category, acknowledged)

        self.serve(sim.triage, rank, urgent, category, triaged)

    def run(self) -> HeapModel:
        for when in self.sim.arrival_times():
            self.at(when, self.arrive)
        while self.events and self.events[0][0] < self.sim.end:
            self.now, _, action = heapq.heappop(self.events)
            action()
        return self
