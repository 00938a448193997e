"""What changed in the definition itself, in the manual's words: entities added, removed, renamed, reordered or
changed, field by field, section by section."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any

import msgspec

from ..definition.durations import Duration
from ..definition.model import WEEKDAYS, Condition, Entity, Process, compared_fields

TIME_GOALS = "Time goals"

# Process attribute → (section, what one item is called). Order is the report's order.
COLLECTIONS: dict[str, tuple[str, str]] = {
    "tiers": ("Tiers", "tier"),
    "roles": ("Roles", "role"),
    "categories": ("Categories", "category"),
    "urgency": ("Urgency levels", "urgency level"),
    "impact": ("Impact levels", "impact level"),
    "priorities": ("Priorities", "priority"),
    "floors": ("Priority matrix", "floor for category"),
    "calendars": ("Calendars", "calendar"),
    "clocks": (TIME_GOALS, "clock"),
    "triggers": ("Triggers", "trigger"),
    "announcements": ("Announcements", "announcement"),
    "handovers": ("Hand-overs", "hand-over"),
    "breaches": ("At risk and breaches", "breach rule"),
    "templates": ("Templates", "template"),
    "channels": ("Channels", "channel"),
    "metrics": ("Metrics", "metric"),
}
SINGLES: dict[str, tuple[str, str]] = {
    "meta": ("Process", "the process"),
    "default_route": ("Triggers", "the default route"),
    "at_risk": ("At risk and breaches", "the at-risk rule"),
    "communication": ("Communication", "communication"),
    "feedback": ("Feedback", "feedback capture"),
    "jira": ("Jira settings", "the Jira settings"),
}
# Fields that are time goals wherever they appear (a priority's targets, a clock's target and calendar).
_GOAL_FIELDS = ("first_response", "resolution", "acknowledge", "target", "calendar")


@dataclass(frozen=True)
class Change:
    section: str
    kind: str  # added, removed, renamed, moved, changed
    subject: str  # what changed, e.g. "trigger 'confirmed-bug'"
    detail: str = ""  # which of its fields, in words
    old: str | None = None
    new: str | None = None

    def __str__(self) -> str:
        if self.kind == "changed":
            return f"{self.subject}: {self.detail} {self.old} → {self.new}"
        if self.kind in ("renamed", "moved"):
            return f"{self.subject} {self.kind}: {self.old} → {self.new}"
        return f"{self.subject} {self.kind}"


def words(value: Any, order: Mapping[str, Iterable[Any]] | None = None) -> str:
    """A model value as the manual would write it."""
    if value is None or value == () or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Duration):
        return value.text
    if isinstance(value, Condition):
        return value.describe(order)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, tuple):
        return ", ".join(words(v, order) for v in value)
    return str(value)


def _field_words(name: str) -> str:
    return name.replace("_", " ").strip()


def _named(noun: str, item: Any) -> str:
    """How a change names an item: its id, and its name when that says more ("priority 'P2' (High)")."""
    key, name = _key(item), getattr(item, "name", None)
    return f"{noun} '{key}'" + (f" ({name})" if name and name != key else "")


def _key(item: Any) -> str:
    return item.id if hasattr(item, "id") else item.category  # floors are known by their category


class _Differ:
    def __init__(self, order: Mapping[str, Iterable[Any]]) -> None:
        self.order = order  # field values in the new definition's order, for conditions in words
        self.changes: list[Change] = []

    def add(self, *args: Any) -> None:
        self.changes.append(Change(*args))

    def entities(self, section: str, noun: str, old: Iterable[Any], new: Iterable[Any]) -> None:
        before, after = {_key(e): e for e in old}, {_key(e): e for e in new}
        removed = [k for k in before if k not in after]
        added = [k for k in after if k not in before]
        for gone in list(removed):  # an item that only changed its id was renamed
            twin = next((k for k in added if _same_but_id(before[gone], after[k])), None)
            if twin is not None:
                removed.remove(gone)
                added.remove(twin)
                self.add(section, "renamed", f"{noun} '{gone}'", "", gone, twin)
        for k in removed:
            self.add(section, "removed", _named(noun, before[k]))
        for k in added:
            self.add(section, "added", _named(noun, after[k]))
        for k in after:
            if k in before and before[k] != after[k]:
                self.fields(section, _named(noun, after[k]), before[k], after[k])

    def fields(self, section: str, subject: str, old: Any, new: Any) -> None:
        for name in compared_fields(old):
            if name == "id":
                continue
            a, b = getattr(old, name), getattr(new, name)
            if a == b:
                continue
            here = TIME_GOALS if section == "Priorities" and name in _GOAL_FIELDS else section
            if _is_entities(a) and _is_entities(b):
                self.entities(here, f"{subject} {_field_words(name).rstrip('s')}", a, b)
            elif isinstance(a, Entity) and isinstance(b, Entity):
                self.fields(here, f"{subject} {_field_words(name)}", a, b)
            else:
                self.add(here, "changed", subject, _field_words(name), self.words(name, a), self.words(name, b))

    def words(self, name: str, value: Any) -> str:
        if name == "weekday" and isinstance(value, int):
            return WEEKDAYS[value]
        if name == "days" and isinstance(value, tuple):
            return ", ".join(WEEKDAYS[d] for d in value)
        return words(value, self.order)

    def order_of(self, section: str, noun: str, old: Iterable[Any], new: Iterable[Any]) -> None:
        """Items whose place in the order changed (first match wins, so order is behaviour): the fewest moves."""
        items = {_key(e): e for e in new}
        before = [_key(e) for e in old]
        after = list(items)
        common_before = [k for k in before if k in after]
        common_after = [k for k in after if k in before]
        matcher = difflib.SequenceMatcher(a=common_before, b=common_after, autojunk=False)
        kept = {common_after[m.b + i] for m in matcher.get_matching_blocks() for i in range(m.size)}
        for k in common_after:
            if k not in kept:
                places = f"#{before.index(k) + 1}", f"#{after.index(k) + 1}"
                self.add(section, "moved", _named(noun, items[k]), "", *places)

    def matrix(self, old: Mapping[tuple[str, str], str], new: Mapping[tuple[str, str], str]) -> None:
        for cell in [*old, *(c for c in new if c not in old)]:
            a, b = old.get(cell), new.get(cell)
            if a != b:
                subject = f"urgency '{cell[0]}' × impact '{cell[1]}'"
                self.add("Priority matrix", "changed", subject, "priority", a or "none", b or "none")


def _is_entities(value: Any) -> bool:
    return isinstance(value, tuple) and bool(value) and all(isinstance(v, Entity) and hasattr(v, "id") for v in value)


def _same_but_id(a: Any, b: Any) -> bool:
    return type(a) is type(b) and hasattr(a, "id") and msgspec.structs.replace(a, id=b.id) == b


def definition_changes(old: Process, new: Process) -> list[Change]:
    """Every difference between two definitions that a reader of the manual would notice, by section."""
    differ = _Differ(new.domains())
    for name, (section, noun) in SINGLES.items():
        if getattr(old, name) != getattr(new, name):
            differ.fields(section, noun, getattr(old, name), getattr(new, name))
    differ.matrix(old.matrix, new.matrix)
    for name, (section, noun) in COLLECTIONS.items():
        a, b = getattr(old, name), getattr(new, name)
        if isinstance(a, Mapping):
            a, b = tuple(a.values()), tuple(b.values())
        differ.entities(section, noun, a, b)
        if name == "triggers":
            differ.order_of(section, noun, a, b)
    sections = [s for s, _ in (*SINGLES.values(), ("Priority matrix", ""), *COLLECTIONS.values())]
    return sorted(differ.changes, key=lambda c: sections.index(c.section) if c.section in sections else len(sections))
