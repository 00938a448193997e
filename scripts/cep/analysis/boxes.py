"""Reasoning about first-match rules as boxes over finite field domains: what each rule really takes, what is
shadowed, where rules overlap, and what no rule takes. Cost grows with the rules, not with the ticket space."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Box = int  # one bit per field value, each field in its own lane of the integer (see Space)
Region = list[Box]  # disjoint boxes

LISTED = 4096  # a group of more values than this is not listed value by value (see Space)
COUNT_BUDGET = 100  # splits spent counting one rule's tickets before giving up on an exact count


class TooFragmented(Exception):
    """Counting would split the space into more pieces than the budget allows."""


def _bits(positions: Iterable[int]) -> int:
    """An integer with these bits set, in time linear in their number (a sum of shifts is quadratic: each step
    copies an integer as wide as the highest bit, which for a million categories is a million bits)."""
    raw = bytearray()
    for position in positions:
        byte = position >> 3
        if byte >= len(raw):
            raw.extend(bytes(byte + 1 - len(raw)))
        raw[byte] |= 1 << (position & 7)
    return int.from_bytes(raw, "little")


class Space:
    """The ticket space: every combination of the fields' values.

    A box (the tickets whose every field takes one of a set of values) is a single integer: field i owns a lane of
    one bit per value plus a guard bit kept at zero. Intersection is then one `&`, and "no field empty" one
    addition: adding all-ones to every lane carries into the guard bit exactly when the lane is not zero.

    `classes`, when given, groups the values of a field that no rule tells apart: each group is one bit, counted
    as many tickets as it holds values, so that a field of a million values the rules name ten of costs eleven
    bits. Boxes are built from, and show, the values themselves."""

    def __init__(
        self, domains: Mapping[str, Sequence[Any]], classes: Mapping[str, Sequence[Sequence[Any]]] | None = None
    ) -> None:
        groups = {name: (classes or {}).get(name) or [(v,) for v in values] for name, values in domains.items()}
        self.fields = tuple(domains)
        self.groups = {name: tuple(tuple(g) for g in found) for name, found in groups.items()}
        self.domains = {name: tuple(g[0] for g in found) for name, found in self.groups.items()}  # one of each
        # A field's largest group, when large, is not listed value by value: a value no other group lists is in it
        # (the definition's checks make sure rules name only values that exist).
        self.rest: dict[str, int | None] = {}
        self.order: dict[str, dict[Any, int]] = {}
        for name, found in self.groups.items():
            largest = max(range(len(found)), key=lambda i: len(found[i]), default=None)
            self.rest[name] = largest if largest is not None and len(found[largest]) > LISTED else None
            self.order[name] = {v: i for i, group in enumerate(found) if i != self.rest[name] for v in group}
        self.weights = {name: tuple(len(g) for g in found) for name, found in self.groups.items()}
        self.lanes: list[tuple[int, int]] = []  # (offset, value mask) per field
        offset = 0
        for found in self.groups.values():
            self.lanes.append((offset, (1 << len(found)) - 1))
            offset += len(found) + 1
        self.ones = sum(mask << off for off, mask in self.lanes)
        self.guards = sum(1 << (off + mask.bit_length()) for off, mask in self.lanes)
        self.universe: Box = self.ones
        self._weighed = [any(w != 1 for w in self.weights[name]) for name in self.fields]
        self._any_weighed = any(self._weighed)

    def box(self, constraints: Mapping[str, Iterable[Any]]) -> Box | None:
        """The box where each constrained field takes one of its listed values (None when empty)."""
        box = 0
        for name, (off, mask) in zip(self.fields, self.lanes, strict=True):
            if name in constraints:
                found = (self.group_of(name, v) for v in set(constraints[name]))
                bits = _bits(i for i in found if i is not None)
            else:
                bits = mask
            if not bits:
                return None
            box |= bits << off
        return box

    def group_of(self, name: str, value: Any) -> int | None:
        """The index of the group holding `value` (None for a value the field does not have)."""
        return self.order[name].get(value, self.rest[name])

    def box_of_groups(self, name: str, groups: Iterable[int]) -> Box | None:
        """The box where field `name` takes the values of these groups (by index) and the others anything."""
        bits = _bits(groups)
        if not bits:
            return None
        off, mask = self.lanes[self.fields.index(name)]
        return self.ones & ~(mask << off) | bits << off

    def values(self, box: Box) -> tuple[frozenset[Any], ...]:
        """The allowed values of each field, in the space's field order."""
        return tuple(
            frozenset(v for i, group in enumerate(self.groups[name]) if box >> (off + i) & 1 for v in group)
            for name, (off, _) in zip(self.fields, self.lanes, strict=True)
        )

    def size(self, box: Box) -> int:
        if not self._any_weighed:  # every value on its own: a lane's size is its number of bits
            return math.prod(((box >> off) & mask).bit_count() for off, mask in self.lanes)
        return math.prod(
            self._lane_size(name, (box >> off) & mask) if weighed else ((box >> off) & mask).bit_count()
            for name, (off, mask), weighed in zip(self.fields, self.lanes, self._weighed, strict=True)
        )

    def _lane_size(self, name: str, bits: int) -> int:
        weights, total, i = self.weights[name], 0, 0
        while bits:
            if bits & 1:
                total += weights[i]
            bits >>= 1
            i += 1
        return total

    def count(self, region: Region) -> int:
        return sum(self.size(b) for b in region)

    def intersect(self, a: Box, b: Box) -> Box | None:
        both = a & b
        return both if (both + self.ones) & self.guards == self.guards else None

    def subtract(self, a: Box, b: Box) -> Region:
        """Disjoint boxes covering a minus b."""
        if self.intersect(a, b) is None:
            return [a]
        pieces, kept = [], a
        for off, mask in self.lanes:
            lane = mask << off
            outside = kept & ~b & lane
            if outside:
                pieces.append(kept & ~lane | outside)
            kept &= b | ~lane
        return pieces

    def overlap(self, a: Region, b: Region) -> Region:
        return [both for x in a for y in b if (both := self.intersect(x, y)) is not None]

    def uncovered(self, box: Box, covers: Sequence[Box], budget: list[int] | None = None) -> Iterator[Box]:
        """Disjoint pieces of `box` that no cover touches, depth-first so that the first piece comes cheaply.

        The box minus its largest cover leaves a few pieces; each goes on with the covers that touch it, the pieces
        fewest covers touch first."""
        clipped = []
        for cover in covers:
            part = self.intersect(box, cover)
            if part == box:
                return
            if part is not None:
                clipped.append(part)
        if not clipped:
            yield box
            return
        if budget is not None:
            budget[0] -= 1
            if budget[0] < 0:
                raise TooFragmented
        largest = max(clipped, key=int.bit_count)  # most values allowed: a cheap stand-in for the largest
        rest = [c for c in clipped if c is not largest]
        pieces = []
        for piece in self.subtract(box, largest):
            pieces.append((piece, [part for c in rest if (part := self.intersect(piece, c)) is not None]))
        for piece, touching in sorted(pieces, key=lambda p: len(p[1])):
            yield from self.uncovered(piece, touching, budget)

    def first_uncovered(self, region: Region, covers: Sequence[Box]) -> Box | None:
        return next((piece for box in region for piece in self.uncovered(box, covers)), None)

    def count_uncovered(self, region: Region, covers: Sequence[Box]) -> int | None:
        """How many tickets of the region no cover takes; None when that is too fragmented to count."""
        budget = [COUNT_BUDGET]
        try:
            return sum(self.size(piece) for box in region for piece in self.uncovered(box, covers, budget))
        except TooFragmented:
            return None

    def refine(self, regions: Iterable[Region]) -> Region:
        """Disjoint boxes covering the space, each wholly inside or wholly outside every region."""
        atoms = [self.universe]
        for region in regions:
            atoms = [
                piece
                for atom in atoms
                for part in (self.overlap([atom], region), self.uncovered(atom, region))
                for piece in part
            ]
        return atoms

    def example(self, region: Region) -> dict[str, Any]:
        """The first ticket of the region, in the domains' order: deterministic."""

        def first(box: Box) -> list[int]:  # the lowest value bit of each lane
            return [((box >> off) & mask & -((box >> off) & mask)).bit_length() - 1 for off, mask in self.lanes]

        lowest = min(map(first, region))
        return {name: self.domains[name][i] for name, i in zip(self.fields, lowest, strict=True)}


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
    fires: dict[str, int | None]  # tickets each rule actually decides (None: too fragmented to count)
    shadowed: dict[str, list[str]]  # rule → the earlier rules that take all of its tickets
    overlaps: list[Overlap]
    gap: int | None  # how many tickets no rule takes (None: too fragmented to count)
    gap_example: dict[str, Any] | None  # one of them, if any


def analyse(space: Space, rules: Sequence[Rule]) -> Analysis:
    fires: dict[str, int | None] = {}
    shadowed: dict[str, list[str]] = {}
    for k, rule in enumerate(rules):
        # Only earlier rules that touch this one matter: the cost follows the rules, not the ticket space.
        earlier = [r for r in rules[:k] if space.overlap(r.region, rule.region)]
        covers = [box for r in earlier for box in r.region]
        if space.first_uncovered(rule.region, covers) is None:
            shadowed[rule.id] = [r.id for r in _enough(space, rule, earlier)]
            fires[rule.id] = 0
        else:
            fires[rule.id] = space.count_uncovered(rule.region, covers)
    every = [box for rule in rules for box in rule.region]
    free = space.first_uncovered([space.universe], every)
    overlaps = []
    for i, first in enumerate(rules):
        for second in rules[i + 1 :]:
            if second.id in shadowed:
                continue
            common = space.overlap(first.region, second.region)
            if common:
                overlaps.append(Overlap(first.id, second.id, space.example(common), space.count(common)))
    return Analysis(
        fires,
        shadowed,
        overlaps,
        space.count_uncovered([space.universe], every) if free else 0,
        space.example([free]) if free else None,
    )


def _enough(space: Space, rule: Rule, earlier: list[Rule]) -> list[Rule]:
    """A few earlier rules that still take all of `rule`'s tickets: drop each one that is not needed."""
    needed = list(earlier)
    for other in reversed(earlier):
        rest = [r for r in needed if r is not other]
        if space.first_uncovered(rule.region, [box for r in rest for box in r.region]) is None:
            needed = rest
    return needed
