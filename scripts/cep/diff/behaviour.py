"""What a change means for tickets: which kinds of ticket now get a different priority, route or notification.

Both definitions cut the ticket space into boxes on which every condition they test (triggers, priorities,
announcements) is constant; one ticket per box, routed by each side's real Router, stands for the whole box. The
cost follows the rules, not the number of tickets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..analysis.boxes import Box, Space
from ..analysis.check import BASE_FIELDS
from ..analysis.matrix import PriorityRegions
from ..definition.model import Condition, Process
from ..routing.router import Router


@dataclass(frozen=True)
class Outcome:
    priority: str
    route: str
    notify: tuple[str, ...]


@dataclass
class Shift:
    """Kinds of ticket whose outcome moves from `old` to `new`."""

    old: Outcome
    new: Outcome
    count: int = 0
    example: dict[str, Any] = field(default_factory=dict)


@dataclass
class Behaviour:
    kinds: int  # kinds of ticket both definitions know
    shifts: list[Shift]
    only_old: dict[str, list[Any]]  # field → values only the old definition has
    only_new: dict[str, list[Any]]

    @property
    def changed(self) -> int:
        return sum(s.count for s in self.shifts)


def _decided(process: Process, space: Space) -> list[tuple[Box, Outcome]]:
    router = Router(process)
    conditions = [t.when for t in process.triggers] + [a.when for a in process.announcements]
    conditions += [Condition((("priority", frozenset({p.id})),)) for p in process.priorities]
    regions = PriorityRegions(process, space)
    atoms = space.refine(regions.region(c) for c in conditions)
    decided = []
    for atom in atoms:
        ticket = space.example([atom])
        path = router.path(
            ticket["category"], ticket["urgency"], ticket["impact"], ticket["reproduced"], router.triage_tier, False
        )
        decided.append((atom, Outcome(path.priority, path.route, path.notify)))
    return decided


def compare_behaviour(old: Process, new: Process) -> Behaviour:
    before, after = old.domains(), new.domains()
    common = {f: tuple(v for v in after[f] if v in before[f]) for f in BASE_FIELDS}
    space = Space(common)
    shifts: dict[tuple[Outcome, Outcome], Shift] = {}
    shared = all(common.values())  # else no kind of ticket exists on both sides
    after_atoms = _decided(new, space) if shared else []
    for a, was in _decided(old, space) if shared else []:
        for b, now in after_atoms:
            if was == now or (both := space.intersect(a, b)) is None:
                continue
            shift = shifts.setdefault((was, now), Shift(was, now))
            shift.count += space.size(both)
            example = space.example([both])
            if not shift.example or _rank(space, example) < _rank(space, shift.example):
                shift.example = example
    return Behaviour(
        space.size(space.universe) if shared else 0,
        sorted(shifts.values(), key=lambda s: (-s.count, _rank(space, s.example))),
        {f: [v for v in before[f] if v not in after[f]] for f in BASE_FIELDS if set(before[f]) - set(after[f])},
        {f: [v for v in after[f] if v not in before[f]] for f in BASE_FIELDS if set(after[f]) - set(before[f])},
    )


def _rank(space: Space, ticket: dict[str, Any]) -> tuple[int, ...]:
    return tuple(space.order[f][ticket[f]] for f in space.fields)
