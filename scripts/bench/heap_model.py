"""The floor for `cep simulate`: the same model as cep.simulate.model — same arrivals, routes, priority queues,
people on calendars and on call, returns, customer waits, code-change hand-overs, same random draws in the same
order of events — as a minimal event loop over a heap, without SimPy, recording each change as a tuple instead of
a Jira history."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from datetime import datetime
from itertools import count

from cep.definition.model import Process
from cep.routing.tickets import Ticket
from cep.simulate.model import Simulation
from cep.simulate.scenario import Scenario


class HeapModel:
    def __init__(self, process: Process, scenario: Scenario, replication: int) -> None:
        self.sim = Simulation(process, scenario, replication)  # its set-up: calendars, router, draws, arrivals
        self.events: list[tuple[int, int, Callable[[], None]]] = []
        self.order = count()
        self.now = self.sim.start
        self.records: list[tuple[int, str, str]] = []
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
        category, urgency, impact = (sim._choose(s.mix[kind]) for kind in ("category", "urgency", "impact"))
        reproduced = sim.random.random() < s.reproduced
        zone = sim.calendars[s.busy_calendar].zone
        key = f"SIM-{next(self.order)}"
        ticket = Ticket(key, category, urgency, impact, datetime.fromtimestamp(self.now, zone), reproduced, sim.triage)
        decision = sim.router.route(ticket)
        priority = decision.priority
        if sim.random.random() < s.wrong_priority:
            priority = sim.random.choice([p.id for p in sim.process.priorities if p.id != priority])
        template = sim.process.template(decision.template) if decision.template else None
        returning = template is not None and sim.random.random() < s.returned_share
        rank, urgent, route = sim.rank[priority], priority in sim.urgent, decision.route

        def record(what: str) -> None:
            self.records.append((self.now, key, what))

        def resolve() -> None:
            if sim.random.random() < s.wait_share:
                record("waiting")
                wait = max(1, round(sim.random.expovariate(1 / (s.wait_hours * 3600))))
                self.at(self.now + wait, lambda: (record("back"), record("resolved")))
            else:
                record("resolved")

        def after_route(_: int) -> None:
            handover = next(
                (h for h in sim.process.handovers if h.from_tier == route and h.when == "needs-code-change"), None
            )
            if handover is not None and sim.random.random() < s.code_change:
                record(handover.to_tier)
                self.serve(handover.to_tier, rank, urgent, category, lambda _: resolve())
            else:
                resolve()

        def acknowledged(picked: int) -> None:
            record("acknowledged")
            if returning:
                record("returned")
                self.serve(
                    sim.triage,
                    rank,
                    urgent,
                    category,
                    lambda _: (record(route), self.serve(route, rank, urgent, category, after_route)),
                )
            else:
                after_route(picked)

        def triaged(picked: int) -> None:
            record("responded")
            if route == sim.triage:
                resolve()
            else:
                record(route)
                self.serve(route, rank, urgent, category, acknowledged)

        self.serve(sim.triage, rank, urgent, category, triaged)

    def run(self) -> HeapModel:
        for when in self.sim.arrival_times():
            self.at(when, self.arrive)
        while self.events and self.events[0][0] < self.sim.end:
            self.now, _, action = heapq.heappop(self.events)
            action()
        return self
