"""`cep diff`: what a change to the process means — the definition section by section, the kinds of ticket that
now behave differently, and the Jira bundle — as Markdown for people or JSON for tools."""

from __future__ import annotations

from dataclasses import dataclass

from ..definition.model import Process
from ..jira import jira_bundle
from ..output import build_year
from .behaviour import Behaviour, compare_behaviour
from .bundle import JsonChange, json_changes
from .definition import TIME_GOALS, Change, definition_changes

__all__ = ["ProcessDiff", "compare"]


@dataclass(frozen=True)
class ProcessDiff:
    old_source: str
    new_source: str
    old: Process
    new: Process
    definition: list[Change]
    behaviour: Behaviour
    jira: list[JsonChange]

    @property
    def empty(self) -> bool:
        return not (self.definition or self.behaviour.changed or self.jira)

    @property
    def warnings(self) -> list[str]:
        deadlines = any(c.section in (TIME_GOALS, "Calendars") for c in self.definition)
        if (self.behaviour.changed or deadlines) and self.old.meta.version == self.new.meta.version:
            what = "tickets are routed differently" if self.behaviour.changed else "time goals change"
            return [f"{what}, but the process version is still {self.new.meta.version}: raise process.version"]
        return []


def compare(old: Process, new: Process, old_source: str, new_source: str) -> ProcessDiff:
    year = build_year()
    bundles = [jira_bundle(p, [year, year + 1]) for p in (old, new)]
    return ProcessDiff(
        old_source,
        new_source,
        old,
        new,
        definition_changes(old, new),
        compare_behaviour(old, new),
        json_changes(*bundles),
    )
