"""`cep check`: prove the routing rules sound (complete, nothing shadowed, overlaps known) and measure how much of
the process the executable specification exercises."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..definition.model import Condition, Process, UnknownName
from ..problems import Problem
from ..routing.router import FROM_TICKET
from ..spec.gherkin import TICKET_STEP, Feature
from ..spec.names import clock_id, field_id, moment, template_of, tier_id
from .boxes import Analysis, Rule, Space, analyse
from .matrix import PriorityRegions

BASE_FIELDS = ("category", "urgency", "impact", "reproduced")


@dataclass
class Coverage:
    covered: dict[str, list[str]] = field(default_factory=dict)
    uncovered: dict[str, list[str]] = field(default_factory=dict)
    # condition values no answer depends on (another trigger gives the same route and channels): no scenario can
    # exercise them, so they are listed apart rather than counted as gaps
    no_answer_depends: list[str] = field(default_factory=list)


@dataclass
class Report:
    findings: list[Problem]
    fires: dict[str, int | None]  # None: too fragmented to count
    default_route: int | None
    ticket_kinds: int
    coverage: Coverage

    def failed(self, strict: bool) -> bool:
        return any(f.severity == "error" or strict for f in self.findings)

    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    def tally(self) -> str:
        """'1 error, 2 warnings'."""
        errors, warnings = self.errors(), len(self.findings) - self.errors()
        return f"{errors} error{'' if errors == 1 else 's'}, {warnings} warning{'' if warnings == 1 else 's'}"


# -- the rules as boxes --------------------------------------------------------------------------------------------
def ticket_space(process: Process, conditions: Iterable[Condition] = ()) -> Space:
    """The space of tickets the triggers decide, each field's values grouped where nothing tells them apart: no
    trigger (nor any of `conditions`) names one without the other, and (for priority conditions) the matrix and
    the floors treat them alike. The analysis then costs what the rules distinguish, not the number of values."""
    domains = process.domains()
    named: dict[str, dict[Any, list[int]]] = {name: {} for name in BASE_FIELDS}
    for n, condition in enumerate([*(t.when for t in process.triggers), *conditions]):
        for name, values in condition.terms:
            for value in values if name in named else ():
                named[name].setdefault(value, []).append(n)
    floors: dict[str, list[str]] = {}
    for floor in process.floors:
        floors.setdefault(floor.category, []).append(floor.minimum)
    urgency, impact = domains["urgency"], domains["impact"]
    alike = {  # what else tells values apart: the matrix's rows and columns, the categories' floors
        "category": {c: tuple(sorted(minimums)) for c, minimums in floors.items()},
        "urgency": {u: tuple(process.matrix.get((u, i)) for i in impact) for u in urgency},
        "impact": {i: tuple(process.matrix.get((u, i)) for u in urgency) for i in impact},
        "reproduced": {},
    }
    classes = {}
    for name in BASE_FIELDS:
        told, other, values = named[name], alike[name], domains[name]
        keyed = told.keys() | other.keys()
        # Most values of a large field are named by no rule: they share one group, gathered at C speed (a dict of
        # every value would cost more than the whole analysis); the few others are grouped by what names them.
        # Groups keep the order of their first value.
        first = {v: n for n, v in enumerate(values) if v in keyed}
        groups: dict[tuple[Any, ...], list[Any]] = {}
        for value in sorted(first, key=first.__getitem__):
            groups.setdefault((tuple(told.get(value, ())), other.get(value)), []).append(value)
        found = [(first[group[0]], group) for group in groups.values()]
        rest = [v for v in values if v not in keyed]
        if rest:
            found.append((next(n for n, v in enumerate(values) if v not in keyed), rest))
        classes[name] = [group for _, group in sorted(found, key=lambda pair: pair[0])]
    return Space({name: domains[name] for name in BASE_FIELDS}, classes)


def trigger_rules(process: Process, space: Space) -> list[Rule]:
    regions = PriorityRegions(process, space)
    return [Rule(t.id, regions.region(t.when)) for t in process.triggers]


def soundness(process: Process, analysis: Analysis) -> list[Problem]:
    findings = []
    triggers = {t.id: t for t in process.triggers}
    for trigger_id, earlier in analysis.shadowed.items():
        by = f"earlier triggers take all its tickets: {', '.join(earlier)}" if earlier else "it matches no ticket"
        findings.append(Problem(triggers[trigger_id].location, f"trigger '{trigger_id}' can never fire: {by}"))
    for overlap in analysis.overlaps:
        first, second = triggers[overlap.first], triggers[overlap.second]
        if overlap.first in second.overlaps or overlap.second in first.overlaps:
            continue  # marked as intended in the definition
        example = ", ".join(f"{k}={json.dumps(v)}" for k, v in overlap.example.items())
        findings.append(
            Problem(
                second.location,
                severity="warning",
                message=f"trigger '{second.id}' overlaps trigger '{first.id}' on {overlap.size} kinds of ticket "
                f"(e.g. {example}); '{first.id}' wins, being first. Mark it with "
                f"'overlaps: [{first.id}]' if that is intended",
            )
        )
    for urgency in process.urgency:
        for impact in process.impact:
            if (urgency.id, impact.id) not in process.matrix:
                findings.append(
                    Problem(
                        process.locate(("priority_matrix",)),
                        f"no priority for urgency '{urgency.id}' and impact '{impact.id}'",
                    )
                )
    return findings


# -- coverage by the specification -----------------------------------------------------------------------------------
_QUOTED = re.compile(r'"([^"]+)"')


def _scenario_runs(feature: Feature) -> list[list[str]]:
    """The step texts of every run of every scenario: outlines once per example row, background first."""
    background = [s.text for s in feature.background]
    runs = []
    for scenario in feature.scenarios:
        steps = len(scenario.steps)
        texts = scenario.texts()
        for start in range(0, len(texts), steps or 1):
            runs.append(background + texts[start : start + steps])
    return runs


_ROUTE = re.compile(r"^it (?:is routed to|stays (?:at|with)) ")
_CHANNELS = re.compile(r"^(?:exactly .+ (?:is|are) notified|no channel is notified)$")
_REPRODUCED = re.compile(r"^.+? (?P<answer>has reproduced|could not reproduce) it$")


def _asserts_route_and_channels(run: list[str]) -> bool:
    return any(_ROUTE.match(line) for line in run) and any(_CHANNELS.match(line) for line in run)


class _Decider:
    """What the router decides for a scenario's ticket: the trigger it fires (or "(default route)"), and which
    condition values of that trigger the answer depends on. A trigger counts as exercised when a scenario makes it
    fire, not when its name is written down; a value, when a ticket differing only in it gets another answer."""

    def __init__(self, process: Process) -> None:
        from ..routing.router import Router

        self.process, self.router = process, Router(process)
        self.domains = self.router.domains  # read once: the model makes them afresh at every call
        self.known = {name: frozenset(values) for name, values in self.domains.items()}

    def answer(self, category: str, urgency: str, impact: str, reproduced: bool) -> tuple[Any, ...] | None:
        known = self.known
        if category not in known["category"] or urgency not in known["urgency"] or impact not in known["impact"]:
            return None  # a ticket the definition does not know: the scenario fails on its own
        path = self.router.path(category, urgency, impact, reproduced, self.router.triage_tier, False)
        return (path.trigger.id if path.trigger else None, path.route, tuple(sorted(path.notify)))

    def decides(self, ticket: tuple[str, ...], reproduced: bool) -> tuple[str, list[str]]:
        """(the trigger, or a stand-in; the condition values it depended on, as 'trigger: field value')."""
        category, urgency, impact = ticket
        found = self.answer(category, urgency, impact, reproduced)
        if found is None:
            return "(unknown ticket)", []
        trigger_id = found[0]
        if trigger_id is None:
            return "(default route)", []
        trigger = self.process.trigger(trigger_id)
        domains = self.domains
        mine = {"category": category, "urgency": urgency, "impact": impact, "reproduced": reproduced}
        mine["priority"] = self.process.priority_for(category, urgency, impact)[0]
        depended = []
        for name, allowed in trigger.when.terms:
            if name == "priority":  # another priority comes from another cell of the matrix
                others = [
                    (category, u, i, reproduced)
                    for u in domains["urgency"]
                    for i in domains["impact"]
                    if self.process.priority_for(category, u, i)[0] not in allowed
                ]
            else:
                others = [
                    tuple(v if f == name else mine[f] for f in ("category", "urgency", "impact", "reproduced"))
                    for v in domains[name]
                    if v not in allowed
                ]
            answers = {self.answer(*other)[1:] for other in others}
            if answers - {found[1:]}:
                depended.append(f"{trigger_id}: {name} {_value(mine[name])}")
        return trigger_id, depended

    def observable(self, trigger_id: str, name: str, value: Any) -> bool:
        """Whether some ticket the trigger decides with this value gets another answer when only the value
        changes; otherwise no scenario can tell the value matters."""
        domains = self.domains
        for category, urgency, impact, reproduced in itertools.product(
            *(domains[f] for f in ("category", "urgency", "impact", "reproduced"))
        ):
            mine = {"category": category, "urgency": urgency, "impact": impact, "reproduced": reproduced}
            mine["priority"] = self.process.priority_for(category, urgency, impact)[0]
            if mine[name] != value or self.answer(category, urgency, impact, reproduced)[0] != trigger_id:
                continue
            _, depended = self.decides((category, urgency, impact), reproduced)
            if f"{trigger_id}: {name} {_value(value)}" in depended:
                return True
        return False


def _value(value: Any) -> str:
    return {True: "yes", False: "no"}.get(value, str(value)) if isinstance(value, bool) else str(value)


_AT_RISK = re.compile(r"^the .+? goal is at risk and a warning is posted$")
_MISSED = re.compile(
    r"^the (?P<clock>.+?) goal is missed and (?:it goes to .+|the .+? is alerted|nothing more happens)$"
)
_WITH = re.compile(r'^it is (?:with|at) (?P<tier>.+?) since "')


_DUE = re.compile(r'^the (?P<clock>[^"]+?) is due "(?P<when>[^"]+)"$')
_STARTS = {
    "created": re.compile(r'^it was created at "(?P<when>[^"]+)"$'),
    "entered": re.compile(r'^(?:it is (?:with|at) .+? since|it was escalated at) "(?P<when>[^"]+)"$'),
}
_EDGES = ("on a weekend", "before opening", "at opening", "at closing", "after closing", "due at closing")


def _calendar_edges_wanted(process: Process) -> set[str]:
    """The edges of each working-hours calendar a deadline can meet, and of each weekly fix window."""
    wanted = set()
    for calendar in process.calendars:
        if not calendar.always_open:
            wanted |= {f"{calendar.id}: {edge}" for edge in _EDGES}
            wanted |= {f"{calendar.id}: on a holiday"} if calendar.holidays else set()
    for handover in process.handovers:
        if handover.fix_window:
            wanted |= {f"{handover.id} window: handed over at its hour", f"{handover.id} window: on a holiday"}
    return wanted


def _calendar_edges_shown(process: Process, decider: _Decider, run: list[str], ticket: tuple[str, ...]) -> set[str]:
    """The calendar edges a scenario's stated deadlines meet: where the clock starts (a closed day, before or at
    opening, at or after closing), whether the deadline falls at closing, and for a hand-over in a fix window's
    priorities, whether it comes at the window's very hour or the window's day is a holiday."""
    shown: set[str] = set()
    try:
        priority = process.priority_for(*ticket)[0]
        starts = {
            kind: moment(m["when"], process) for kind, rx in _STARTS.items() for line in run if (m := rx.match(line))
        }
        for line in run:
            if not (due := _DUE.match(line)):
                continue
            clock = process.clocks[clock_id(process, due["clock"])]
            start = starts.get("entered" if clock.starts == "entered-tier" else "created", starts.get("created"))
            calendar = process.calendar(clock.calendar or process.priority(priority).calendar)
            if start is None or calendar.always_open:
                continue
            shown |= {
                f"{calendar.id}: {edge}" for edge in _edges(decider, calendar, start, moment(due["when"], process))
            }
            code = "a code change is needed" in run
            for handover in process.handovers if code and clock.starts == "entered-tier" else ():
                window = handover.fix_window
                if window and priority in window.priorities and "entered" in starts:
                    shown |= {f"{handover.id} window: {e}" for e in _window_edges(decider, window, starts["entered"])}
    except (AssertionError, KeyError, ValueError, UnknownName):  # a scenario the definition cannot read fails alone
        return set()
    return shown


def _edges(decider: _Decider, calendar: Any, start: datetime, due: datetime) -> set[str]:
    open_day = decider.router.calendars[calendar.id].is_open_day
    local, end = start.astimezone(ZoneInfo(calendar.time_zone)), due.astimezone(ZoneInfo(calendar.time_zone))
    edges = set()
    day = local.date()
    while day <= end.date():  # a closed day the clock starts on or runs across
        if not open_day(day):
            edges.add("on a holiday" if day.weekday() in calendar.days else "on a weekend")
        day += timedelta(days=1)
    if open_day(local.date()):
        now = local.time()
        edges.add(
            "before opening"
            if now < calendar.opens
            else "at opening"
            if now == calendar.opens
            else "at closing"
            if now == calendar.closes
            else "after closing"
            if now > calendar.closes
            else ""
        )
    if end.time() == calendar.closes:
        edges.add("due at closing")
    return edges - {""}


def _window_edges(decider: _Decider, window: Any, handed_over: datetime) -> set[str]:
    local = handed_over.astimezone(decider.router.calendars[window.calendar].zone)
    edges = {"handed over at its hour"} if local.weekday() == window.weekday and local.time() == window.opens else set()
    day = local.date() + timedelta(days=(window.weekday - local.weekday()) % 7)
    if day == local.date() and local.time() > window.opens:
        day += timedelta(days=7)
    if not decider.router.calendars[window.calendar].is_open_day(day):
        edges.add("on a holiday")
    return edges


_REQUIRES = re.compile(r'^the (?P<template>.+?) requires (?P<fields>".+)$')
_LACKS = re.compile(r"^the (?P<template>.+?) lacks (?P<fields>.+)$")
_RETURNED = re.compile(r'^(?:it is returned to .+? for (?P<returned>.+)|(?P<missing>".+") (?:is|are) missing)$')


def _fields_shown(process: Process, run: list[str]) -> set[str]:
    """The template fields a scenario shows to be required (left out, the hand-over comes back for them) or
    optional (left out, nothing is missing)."""
    try:
        return _fields_stated(process, run)
    except UnknownName:  # a name the definition does not know: the scenario fails on its own
        return set()


def _fields_stated(process: Process, run: list[str]) -> set[str]:
    requires = next((m for line in run if (m := _REQUIRES.match(line))), None)
    if requires is not None:  # the template's required fields stated as a list: the others are optional
        template = template_of(process, requires["template"])
        listed = {field_id(template, f) for f in _QUOTED.findall(requires["fields"])}
        return {f"{template.id}: {f.id} {'required' if f.id in listed else 'optional'}" for f in template.fields}
    lacks = next((m for line in run if (m := _LACKS.match(line))), None)
    if lacks is None:
        return set()
    template = template_of(process, lacks["template"])
    left_out = {field_id(template, f) for f in _QUOTED.findall(lacks["fields"])}
    returned = {
        field_id(template, f)
        for line in run
        if (m := _RETURNED.match(line))
        for f in _QUOTED.findall(m["returned"] or m["missing"])
    }
    if "nothing is missing" in run:
        return {f"{template.id}: {f} optional" for f in left_out}
    return {f"{template.id}: {f} required" for f in left_out & returned}


def _breach_item(process: Process, tier: str, priority: str) -> str:
    """What a missed goal does for a priority at a tier: the breach rule that acts, or none."""
    rule = next((r for r in process.breaches if tier in r.tiers and priority in r.priorities), None)
    return f"{rule.id if rule else 'no action'}: {priority} at {tier}"


def _missed_where(process: Process, decider: _Decider, run: list[str], ticket: tuple[str, ...], clock: str) -> str:
    """The priority and tier of a scenario's missed goal, read from its words as the steps read them: the tier it
    is with, else (for the acknowledgement) the tier it was routed to, else the triage tier."""
    category, urgency, impact = ticket
    try:
        priority = process.priority_for(category, urgency, impact)[0]
        named = next((m["tier"] for line in run if (m := _WITH.match(line))), None)
        if named is not None:
            tier = tier_id(process, named)
        elif clock_id(process, clock) == "acknowledge":
            tier = decider.answer(category, urgency, impact, False)[1]
        else:
            tier = process.default_route.tier
    except (KeyError, TypeError, UnknownName):  # a ticket or name the definition does not know: it fails on its own
        return "(unknown)"
    return _breach_item(process, tier, priority)


def coverage(process: Process, features: list[Feature]) -> Coverage:
    clock_words = {
        "first_response": "first response",
        "resolution": "resolution",
        "acknowledge": "acknowledgement",
        "review": "review",
    }
    wanted: dict[str, set[str]] = {
        "triggers": {t.id for t in process.triggers} | {"(default route)"},
        "matrix cells": {f"{u.id} × {i.id}" for u in process.urgency for i in process.impact},
        "time goals": {
            f"{p.id} {clock_words[c]}"
            for p in process.priorities
            for c in ("first_response", "resolution", "acknowledge")
        }
        | {f"{clock_words['review']}"},
        "breach rules": {"at-risk"}
        | {_breach_item(process, t.id, p.id) for t in process.tiers for p in process.priorities},
        "templates": {t.id for t in process.templates},
        "template fields": {  # those the ticket itself fills (its category, priority, ...) are never missing
            f"{t.id}: {f.id} {state}"
            for t in process.templates
            for f in t.fields
            if f.id not in FROM_TICKET
            for state in (
                ("required",) if f.required else ("required", "optional") if f.required_when else ("optional",)
            )
        },
        "calendar edges": _calendar_edges_wanted(process),
        "condition values": {
            f"{t.id}: {field} {_value(value)}"
            for t in process.triggers
            for field, values in t.when.terms
            for value in values
        },
    }
    seen: dict[str, set[str]] = {key: set() for key in wanted}
    decider = _Decider(process)
    for feature in features:
        for run in _scenario_runs(feature):
            text = "\n".join(run)
            lowered = text.lower()
            tickets = [m.groups() for line in run for m in [TICKET_STEP.search(line)] if m]
            seen["template fields"].update(_fields_shown(process, run))
            if tickets:
                seen["calendar edges"].update(_calendar_edges_shown(process, decider, run, tickets[-1]))
            if any(_AT_RISK.match(line) for line in run):
                seen["breach rules"].add("at-risk")
            if tickets and (missed := next((m for line in run if (m := _MISSED.match(line))), None)):
                seen["breach rules"].add(_missed_where(process, decider, run, tickets[-1], missed["clock"]))
            if tickets and _asserts_route_and_channels(run):
                # as the ticket parser reads a ticket that does not say whether it was reproduced: not
                reproduced = any(m["answer"] == "has reproduced" for line in run if (m := _REPRODUCED.match(line)))
                trigger_id, depended = decider.decides(tickets[-1], reproduced)
                seen["triggers"].add(trigger_id)
                seen["condition values"].update(depended)
            for template in process.templates:
                if template.name.lower() in lowered:
                    seen["templates"].add(template.id)
            for category, urgency, impact in tickets[-1:]:  # the ticket the scenario ends up describing
                if "priority is" in lowered:
                    seen["matrix cells"].add(f"{urgency} × {impact}")
                if decider.answer(category, urgency, impact, False) is not None:  # a ticket the definition knows
                    priority = process.priority_for(category, urgency, impact)[0]
                    for clock, word in clock_words.items():
                        if re.search(rf"{word}( clock)? is (due|\")", lowered):
                            seen["time goals"].add(word if clock == "review" else f"{priority} {word}")
    result = Coverage()
    for key, names in wanted.items():
        result.covered[key] = sorted(names & seen[key])
        result.uncovered[key] = sorted(names - seen[key])
    values = {
        f"{t.id}: {name} {_value(v)}": (t.id, name, v)
        for t in process.triggers
        for name, vs in t.when.terms
        for v in vs
    }
    result.no_answer_depends = [
        gap for gap in result.uncovered["condition values"] if not decider.observable(*values[gap])
    ]
    result.uncovered["condition values"] = [
        v for v in result.uncovered["condition values"] if v not in result.no_answer_depends
    ]
    return result


def run_check(process: Process, features: list[Feature]) -> Report:
    space = ticket_space(process)
    analysis = analyse(space, trigger_rules(process, space))
    findings = soundness(process, analysis)
    covered = coverage(process, features)
    triggers = {t.id: t for t in process.triggers}
    for trigger_id in covered.uncovered["triggers"]:
        location = triggers[trigger_id].location if trigger_id in triggers else process.locate(("default_route",))
        findings.append(
            Problem(
                location,
                f"no scenario exercises trigger {trigger_id!r}"
                if trigger_id in triggers
                else "no scenario exercises the default route",
            )
        )
    return Report(
        sorted(findings, key=lambda f: (f.location, f.message)),
        analysis.fires,
        analysis.gap,
        space.size(space.universe),
        covered,
    )


def _count(kinds: int | None) -> str:
    return "an uncounted number (too fragmented)" if kinds is None else str(kinds)


def render_text(report: Report) -> str:
    lines = [str(f) for f in report.findings]
    lines.append(
        f"routing: {report.ticket_kinds} kinds of ticket; "
        + ", ".join(f"{k} takes {_count(v)}" for k, v in report.fires.items())
        + f"; {_count(report.default_route)} stay on the default route"
    )
    for key, names in report.coverage.covered.items():
        total = len(names) + len(report.coverage.uncovered[key])
        missing = report.coverage.uncovered[key]
        lines.append(
            f"coverage: {key}: {len(names)} of {total}" + (f"; not exercised: {', '.join(missing)}" if missing else "")
        )
    if report.coverage.no_answer_depends:
        lines.append(
            "coverage: condition values no answer depends on (another trigger answers alike): "
            + ", ".join(report.coverage.no_answer_depends)
        )
    lines.append(report.tally())
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    data: dict[str, Any] = {
        "findings": [{**asdict(f.location), "severity": f.severity, "message": f.message} for f in report.findings],
        "fires": report.fires,
        "default_route": report.default_route,
        "ticket_kinds": report.ticket_kinds,
        "coverage": asdict(report.coverage),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def features_in(directory: Path) -> list[Feature]:
    from ..spec.gherkin import read_features

    return read_features(directory)
