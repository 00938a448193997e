"""The priority matrix as regions of the ticket space. A condition on `priority` names the cells (and category
floors) that give one of its priorities; it is read here per cell and per kind of category (categories with the
same floors get the same priority in every cell), once per distinct set of priorities (and of the kinds of category
a trigger limits it to), so that `cep check` costs what the rules ask, not what the ticket space holds."""

from __future__ import annotations

from ..definition.model import Condition, Process
from .boxes import Box, Region, Space

_Rows = list[tuple[list[str], list[str], frozenset[int]]]  # (urgencies, impacts, kinds of category) per box


class PriorityRegions:
    """The regions of one process's ticket space; build one per process and ask it for every condition."""

    def __init__(self, process: Process, space: Space) -> None:
        self.process = process
        self.space = space
        rank = {p.id: n for n, p in enumerate(process.priorities)}
        minimums: dict[str, list[str]] = {}
        for floor in process.floors:
            minimums.setdefault(floor.category, []).append(floor.minimum)
        kinds: dict[tuple[str, ...], list[int]] = {}
        for n, category in enumerate(space.domains["category"]):  # one of each group of categories the space keeps
            kinds.setdefault(tuple(sorted(minimums.get(category, ()))), []).append(n)
        # per kind, its groups of categories and the most urgent priority its floors allow (None: no floor)
        self.kinds = [(frozenset(ids), min((rank[m] for m in floor), default=None)) for floor, ids in kinds.items()]
        self.rank = rank
        self.urgencies, self.impacts = set(space.domains["urgency"]), set(space.domains["impact"])
        self._giving: dict[frozenset[str], dict[tuple[str, str], frozenset[int]]] = {}
        self._groups: dict[tuple[frozenset[str], frozenset[int]], list] = {}
        self._category_boxes: dict[frozenset[int], Box | None] = {}

    def region(self, condition: Condition) -> Region:
        """The disjoint boxes of tickets the condition matches."""
        base = {name: values for name, values in condition.terms if name != "priority"}
        priorities = condition.allowed("priority")
        if priorities is None:
            box = self.space.box(base)
            return [box] if box else []
        named = None if "category" not in base else {self.space.group_of("category", c) for c in base["category"]}
        live = frozenset(n for n, (ids, _) in enumerate(self.kinds) if named is None or ids & named)
        region = []
        for urgencies, impacts, taken in self._rows(priorities, live, base.get("urgency"), base.get("impact")):
            box = self.space.box({**base, "urgency": urgencies, "impact": impacts})
            category = self._category_box(taken)
            both = self.space.intersect(box, category) if box is not None and category is not None else None
            if both is not None:
                region.append(both)
        return region

    def _rows(
        self,
        priorities: frozenset[str],
        live: frozenset[int],
        urgency: frozenset[str] | None,
        impact: frozenset[str] | None,
    ) -> _Rows:
        """Cells alike in the kinds of category they give these priorities to share a box: for each urgency, the
        impacts alike (read once per set of priorities and kinds); then the urgencies alike in both."""
        rows: dict[tuple[tuple[str, ...], frozenset[int]], list[str]] = {}
        for u, groups in self._urgency_groups(priorities, live):
            if urgency is not None and u not in urgency:
                continue
            for cells, taken in groups:
                kept = cells if impact is None else tuple(i for i in cells if i in impact)
                if kept:
                    rows.setdefault((kept, taken), []).append(u)
        return [(urgencies, list(cells), taken) for (cells, taken), urgencies in rows.items()]

    def _urgency_groups(
        self, priorities: frozenset[str], live: frozenset[int]
    ) -> list[tuple[str, list[tuple[tuple[str, ...], frozenset[int]]]]]:
        """Per urgency, its impacts grouped by the kinds of category they give one of these priorities."""
        key = (priorities, live)
        if key not in self._groups:
            giving = self._cells_giving(priorities)
            found = []
            for u in self.space.domains["urgency"]:  # one of each group of levels the space keeps apart
                by_kinds: dict[frozenset[int], list[str]] = {}
                for i in self.space.domains["impact"]:
                    taken = giving[(u, i)] & live
                    if taken:
                        by_kinds.setdefault(taken, []).append(i)
                found.append((u, [(tuple(cells), taken) for taken, cells in by_kinds.items()]))
            self._groups[key] = found
        return self._groups[key]

    def _cells_giving(self, priorities: frozenset[str]) -> dict[tuple[str, str], frozenset[int]]:
        """Per cell, the kinds of category whose tickets there get one of these priorities (a floor only raises)."""
        if priorities not in self._giving:
            wanted = {self.rank[p] for p in priorities}
            self._giving[priorities] = {
                cell: frozenset(
                    n
                    for n, (_, floor) in enumerate(self.kinds)
                    if (self.rank[given] if floor is None else min(self.rank[given], floor)) in wanted
                )
                for cell, given in self.process.matrix.items()
                if cell[0] in self.urgencies and cell[1] in self.impacts
            }
        return self._giving[priorities]

    def _category_box(self, kinds: frozenset[int]) -> Box | None:
        if kinds not in self._category_boxes:
            groups = frozenset().union(*(self.kinds[n][0] for n in kinds))
            self._category_boxes[kinds] = self.space.box_of_groups("category", groups)
        return self._category_boxes[kinds]
