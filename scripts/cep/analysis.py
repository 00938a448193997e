"""Reasoning about first-match rules as boxes over finite field domains: what each rule really takes, what is
shadowed, where rules overlap, and what no rule takes. Cost grows with the rules, not with the ticket space."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Box = tuple[frozenset[Any], ...]  # the allowed values of each field, in the space's field order
Region = list[Box]  # disjoint boxes


class Space:
    """The ticket space: every combination of the fields' values."""

    def __init__(self, domains: Mapping[str, Sequence[Any]]) -> None:
        self.fields = tuple(domains)
        self.order = {name: {v: i for i, v in enumerate(values)} for name, values in domains.items()}
        self.universe: Box = tuple(frozenset(values) for values in domains.values())

    def box(self, constraints: Mapping[str, Iterable[Any]]) -> Box | None:
        """The box where each constrained field takes one of its listed values (None when empty)."""
        parts = []
        for name, domain in zip(self.fields, self.universe, strict=True):
            allowed = domain & frozenset(constraints[name]) if name in constraints else domain
            if not allowed:
                return None
            parts.append(allowed)
        return tuple(parts)

    @staticmethod
    def size(box: Box) -> int:
        return math.prod(len(values) for values in box)

    def count(self, region: Region) -> int:
        return sum(self.size(b) for b in region)

    @staticmethod
    def intersect(a: Box, b: Box) -> Box | None:
        parts = []
        for x, y in zip(a, b, strict=True):
            both = x & y
            if not both:
                return None
            parts.append(both)
        return tuple(parts)

    @staticmethod
    def subtract(a: Box, b: Box) -> Region:
        """Disjoint boxes covering a minus b."""
        if any(not (x & y) for x, y in zip(a, b, strict=True)):
            return [a]
        pieces, kept = [], list(a)
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            outside = x - y
            if outside:
                pieces.append((*kept[:i], outside, *kept[i + 1 :]))
            kept[i] = x & y
        return pieces

    def minus(self, region: Region, b: Box) -> Region:
        return [piece for box in region for piece in self.subtract(box, b)]

    def overlap(self, a: Region, b: Region) -> Region:
        return [both for x in a for y in b if (both := self.intersect(x, y)) is not None]

    def example(self, region: Region) -> dict[str, Any]:
        """The first ticket of the region, in the domains' order: deterministic."""
        box = min(
            region,
            key=lambda bx: tuple(min(self.order[f][v] for v in vs) for f, vs in zip(self.fields, bx, strict=True)),
        )
        return {f: min(vs, key=self.order[f].__getitem__) for f, vs in zip(self.fields, box, strict=True)}


@dataclass(frozen=True)
class Rule:
    id: str
    region: Region


@dataclass(frozen=True)
class Overlap:
    first: str  # wins under first-match order
    second: str
    example: dict[str, Any]
    size: int


@dataclass(frozen=True)
class Analysis:
    fires: dict[str, int]  # tickets each rule actually decides
    shadowed: dict[str, list[str]]  # rule → the earlier rules that take all of its tickets
    overlaps: list[Overlap]
    gap: Region | None  # tickets no rule takes (None when too fragmented to compute)


GAP_BUDGET = 100_000  # boxes; past this the untaken region is not worth splitting further


def analyse(space: Space, rules: Sequence[Rule]) -> Analysis:
    fires: dict[str, int] = {}
    shadowed: dict[str, list[str]] = {}
    for k, rule in enumerate(rules):
        # Only earlier rules that touch this one matter: the cost follows the rules, not the ticket space.
        earlier = [r for r in rules[:k] if space.overlap(r.region, rule.region)]
        taken = list(rule.region)
        for other in earlier:
            for box in other.region:
                taken = space.minus(taken, box)
        fires[rule.id] = space.count(taken)
        if not taken:
            shadowed[rule.id] = [r.id for r in earlier]
    untaken: Region | None = [space.universe]
    for rule in rules:
        for box in rule.region:
            untaken = space.minus(untaken, box) if untaken is not None else None
        if untaken is not None and len(untaken) > GAP_BUDGET:
            untaken = None
    overlaps = []
    for i, first in enumerate(rules):
        for second in rules[i + 1 :]:
            if second.id in shadowed:
                continue
            common = space.overlap(first.region, second.region)
            if common:
                overlaps.append(Overlap(first.id, second.id, space.example(common), space.count(common)))
    return Analysis(fires, shadowed, overlaps, untaken)
