"""Semantic checks over the model: references, duplicate ids, matrix holes, inconsistent time goals."""

from __future__ import annotations

import graphlib
import zoneinfo
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ..problems import Problem, did_you_mean, unknown_name
from .document import JsonPath, describe
from .durations import Duration
from .model import Condition, Process


class _Checker:
    def __init__(self, process: Process) -> None:
        self.process = process
        self.problems: list[Problem] = []
        domains = process.domains()
        self.known: dict[str, tuple[Any, ...]] = {
            "role": tuple(dict.fromkeys(r.id for r in process.roles)),
            "tier": tuple(dict.fromkeys(t.id for t in process.tiers)),
            "calendar": tuple(c.id for c in process.calendars),
            "template": tuple(t.id for t in process.templates),
            "channel": tuple(c.id for c in process.channels),
            "trigger": tuple(t.id for t in process.triggers),
            **domains,
        }

    def error(self, path: JsonPath, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.process.locate(path), message, hint))

    def ref(self, kind: str, value: Any, path: JsonPath) -> None:
        known = self.known[kind]
        if value not in known:
            self.error(path, *unknown_name(kind, f"'{value}'", known))

    def refs(self, kind: str, values: Iterable[Any], path: JsonPath) -> None:
        for i, value in enumerate(values):
            self.ref(kind, value, (*path, i))

    def condition(self, cond: Condition | None, path: JsonPath) -> None:
        for key, values in cond.terms if cond else ():
            self.refs(key, sorted(values, key=str), (*path, key))

    def duplicates(self) -> None:
        """Every list of identified things, wherever it is in the definition, names each thing once."""
        for path, items in _identified_lists(self.process.document.data, ()):
            seen: set[Any] = set()
            for i, item in enumerate(items):
                if item["id"] in seen:
                    self.error((*path, i, "id"), f"duplicate id '{item['id']}' in {describe(path)}")
                seen.add(item["id"])

    def references(self) -> None:
        p = self.process
        self.ref("role", p.meta.owner, ("process", "owner"))
        for i, tier in enumerate(p.tiers):
            self.ref("role", tier.owner, ("tiers", i, "owner"))
        for i, priority in enumerate(p.priorities):
            self.ref("calendar", priority.calendar, ("priorities", i, "calendar"))
        for i, floor in enumerate(p.floors):
            self.ref("category", floor.category, ("priority_floors", i, "category"))
            self.ref("priority", floor.minimum, ("priority_floors", i, "minimum"))
        for name, clock in p.clocks.items():
            self.refs("tier", clock.tiers, ("clocks", name, "tiers"))
            self.refs("category", clock.categories, ("clocks", name, "categories"))
            self.refs("category", clock.except_categories, ("clocks", name, "except_categories"))
            if clock.calendar:
                self.ref("calendar", clock.calendar, ("clocks", name, "calendar"))
            if clock.owner:
                self.ref("role", clock.owner, ("clocks", name, "owner"))
        for i, trigger in enumerate(p.triggers):
            path = ("triggers", i)
            self.condition(trigger.when, (*path, "when"))
            self.ref("tier", trigger.route, (*path, "route"))
            self.refs("channel", trigger.notify, (*path, "notify"))
            self.ref("template", trigger.template, (*path, "template"))
            self.refs("trigger", trigger.overlaps, (*path, "overlaps"))
        self.ref("tier", p.default_route.tier, ("default_route", "tier"))
        for i, announcement in enumerate(p.announcements):
            self.condition(announcement.when, ("announcements", i, "when"))
            self.refs("channel", announcement.notify, ("announcements", i, "notify"))
        for i, handover in enumerate(p.handovers):
            path = ("handovers", i)
            self.ref("tier", handover.from_tier, (*path, "from"))
            self.ref("tier", handover.to_tier, (*path, "to"))
            if handover.template:
                self.ref("template", handover.template, (*path, "template"))
            self.refs("channel", handover.notify, (*path, "notify"))
            self.refs("priority", handover.immediate, (*path, "immediate"))
            if handover.fix_window:
                self.refs("priority", handover.fix_window.priorities, (*path, "fix_window", "priorities"))
                self.ref("calendar", handover.fix_window.calendar, (*path, "fix_window", "calendar"))
        for i, example in enumerate(p.examples):
            path = ("examples", i)
            self.ref("category", example.category, (*path, "category"))
            self.ref("urgency", example.urgency, (*path, "urgency"))
            self.ref("impact", example.impact, (*path, "impact"))
            try:
                datetime.fromisoformat(example.reported)
            except ValueError:
                self.error((*path, "reported"), f"'{example.reported}' is not a date and time that exists")
        self.refs("channel", p.at_risk.notify, ("sla_alerts", "at_risk", "notify"))
        for i, rule in enumerate(p.breaches):
            path = ("sla_alerts", "breaches", i)
            self.refs("tier", rule.tiers, (*path, "tiers"))
            self.refs("priority", rule.priorities, (*path, "priorities"))
            self.refs("channel", rule.notify, (*path, "notify"))
            if (rule.escalate_to is None) == (rule.alert is None):
                self.error(
                    path,
                    f"breach rule '{rule.id}' needs exactly one of 'escalate_to' (a tier) or 'alert' (a role)",
                )
            if rule.escalate_to:
                self.ref("tier", rule.escalate_to, (*path, "escalate_to"))
            if rule.alert:
                self.ref("role", rule.alert, (*path, "alert"))
        for i, template in enumerate(p.templates):
            self.ref("tier", template.from_tier, ("templates", i, "from"))
            if template.to != "customer":
                self.ref("tier", template.to, ("templates", i, "to"))
            for j, f in enumerate(template.fields):
                self.condition(f.required_when, ("templates", i, "fields", j, "required_when"))
        for i, channel in enumerate(p.channels):
            self.refs("role", channel.members, ("channels", i, "members"))
        self.ref("tier", p.communication.customer_contact, ("communication", "customer_contact"))
        self.ref("template", p.communication.update_template, ("communication", "update_template"))
        self.ref("template", p.feedback.template, ("feedback", "template"))
        self.ref("role", p.feedback.backlog_owner, ("feedback", "backlog_owner"))
        for i, issue_type in enumerate(p.jira.issue_types):
            if issue_type.template:
                self.ref("template", issue_type.template, ("jira", "issue_types", i, "template"))
        first_of_id = {t.id: i for i, t in reversed(list(enumerate(p.tiers)))}  # a duplicate id is reported already
        statuses = [(("tiers", i, "status"), t.status) for i, t in enumerate(p.tiers) if first_of_id[t.id] == i]
        statuses += [
            (("jira", "statuses", key), getattr(p.jira, key)) for key in ("waiting", "returned", "resolved", "closed")
        ]
        seen: dict[str, tuple[str | int, ...]] = {}
        for path, name in statuses:
            if name.lower() in seen:
                self.error(path, f"Jira status '{name}' is used twice; each tier and state needs its own status")
            seen[name.lower()] = path

    def escalation_paths(self) -> None:
        """Every tier can be reached, and no chain of hand-overs and breach escalations comes back to where it
        started (a ticket would be passed round for ever). Runs on references already found known."""
        p = self.process
        tiers = set(self.known["tier"])
        edges: list[tuple[str, str, JsonPath]] = [
            (h.from_tier, h.to_tier, ("handovers", i, "to")) for i, h in enumerate(p.handovers)
        ]
        edges += [
            (tier, rule.escalate_to, ("sla_alerts", "breaches", i, "escalate_to"))
            for i, rule in enumerate(p.breaches)
            if rule.escalate_to
            for tier in rule.tiers
        ]
        edges = [edge for edge in edges if {edge[0], edge[1]} <= tiers]
        reached = {p.default_route.tier, *(t.route for t in p.triggers), *(to for _, to, _ in edges)}
        for i, tier in enumerate(p.tiers):
            if tier.id not in reached:
                self.error(
                    ("tiers", i, "id"),
                    f"tier '{tier.id}' is never reached: it is not the default route, and no trigger, hand-over or "
                    "breach rule sends a ticket to it",
                )
        graph: dict[str, set[str]] = {}
        for origin, to, _ in edges:
            graph.setdefault(to, set()).add(origin)
        try:
            graphlib.TopologicalSorter(graph).prepare()
        except graphlib.CycleError as cycle:
            loop = cycle.args[1]  # in the order tickets move: each tier passes to the next
            closing = next(path for origin, to, path in edges if (origin, to) == (loop[-2], loop[-1]))
            self.error(closing, f"escalation cycle: {' → '.join(loop)}; a ticket could be passed round for ever")

    def matrix(self) -> None:
        p = self.process
        rows = p.document.data["priority_matrix"]
        for urgency, row in rows.items():
            if urgency not in self.known["urgency"]:
                self.error(
                    ("priority_matrix", urgency),
                    f"unknown urgency '{urgency}' in the priority matrix",
                    did_you_mean(urgency, self.known["urgency"]),
                )
                continue
            for impact, priority in row.items():
                path = ("priority_matrix", urgency, impact)
                if impact not in self.known["impact"]:
                    self.error(
                        path,
                        f"unknown impact '{impact}' in the priority matrix",
                        did_you_mean(impact, self.known["impact"]),
                    )
                else:
                    self.ref("priority", priority, path)
        for urgency in self.known["urgency"]:
            for impact in self.known["impact"]:
                if (urgency, impact) not in p.matrix:
                    where = ("priority_matrix", urgency) if urgency in rows else ("priority_matrix",)
                    self.error(
                        where,
                        f"the priority matrix has no cell for urgency '{urgency}' and impact '{impact}'",
                    )

    def calendars(self) -> None:
        from holidays.registry import COUNTRIES  # the holiday library's own list of countries

        countries = {codes[1] for codes in COUNTRIES.values()}
        for i, cal in enumerate(self.process.calendars):
            path = ("calendars", i)
            try:
                zoneinfo.ZoneInfo(cal.time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                self.error(
                    (*path, "time_zone"),
                    f"unknown time zone '{cal.time_zone}'",
                    did_you_mean(cal.time_zone, zoneinfo.available_timezones()),
                )
            if cal.holidays and cal.holidays not in countries:
                self.error(
                    (*path, "holidays"),
                    f"unknown holiday country '{cal.holidays}'",
                    did_you_mean(cal.holidays, countries),
                )
            if cal.always_open:
                continue
            if not cal.days or cal.opens is None or cal.closes is None:
                self.error(path, f"calendar '{cal.id}' needs 'days', 'opens' and 'closes' (or 'always_open: true')")
            elif cal.opens >= cal.closes:
                self.error((*path, "closes"), f"calendar '{cal.id}' closes before it opens")

    def time_goals(self) -> None:
        p = self.process
        calendars = {c.id: c for c in p.calendars}
        for i, priority in enumerate(p.priorities):
            cal = calendars.get(priority.calendar)
            if cal is None or (not cal.always_open and not (cal.opens and cal.closes and cal.opens < cal.closes)):
                continue  # the calendar's own problem is reported already
            for key in ("first_response", "resolution", "acknowledge"):
                self.duration_fits(getattr(priority, key), cal.always_open, ("priorities", i, key))
            day = cal.business_day_seconds
            if priority.first_response.seconds(day) > priority.resolution.seconds(day):
                self.error(
                    ("priorities", i, "first_response"),
                    f"{priority.id}: first response ({priority.first_response}) is longer than "
                    f"resolution ({priority.resolution})",
                )
        review = p.clocks["review"]
        if review.target and review.calendar in calendars:
            self.duration_fits(review.target, calendars[review.calendar].always_open, ("clocks", "review", "target"))

    def duration_fits(self, duration: Duration, always_open: bool, path: JsonPath) -> None:
        if duration.business and always_open:
            self.error(
                path,
                f"'{duration}' counts business time, but the calendar is always open",
                f"write '{_plural(duration.amount, duration.unit)}'",
            )
        if not duration.business and not always_open:
            self.error(
                path,
                f"'{duration}' on a business-hours calendar is ambiguous",
                f"write '{_plural(duration.amount, 'business ' + duration.unit)}'",
            )


def _identified_lists(node: Any, path: JsonPath) -> Iterable[tuple[JsonPath, list[dict[str, Any]]]]:
    """(path, list) for every list below `node` whose items are mappings with an `id`."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _identified_lists(value, (*path, key))
    elif isinstance(node, list):
        if node and all(isinstance(item, dict) and "id" in item for item in node):
            yield path, node
        for i, item in enumerate(node):
            yield from _identified_lists(item, (*path, i))


def _plural(amount: int, unit: str) -> str:
    return f"{amount} {unit}" + ("" if amount == 1 else "s")


def check(process: Process) -> list[Problem]:
    """Every semantic problem of a process built from a schema-valid document."""
    checker = _Checker(process)
    checker.duplicates()
    checker.references()
    checker.escalation_paths()
    checker.matrix()
    checker.calendars()
    checker.time_goals()
    return checker.problems
