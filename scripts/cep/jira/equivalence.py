"""Do the automation rules, run as Jira runs them, do what the router says? An interpreter of the rules, not a proof.

What is modelled: events (an issue created, a field changed, a transition), each rule's trigger (which event,
which fields, which target statuses) and its state, a rule's own edits and transitions firing other rules where
those allow it (`canOtherRuleTrigger`), transitions only where the workflow has them, labels, the scheduled rule
over time, and every event's rules run in list order and again in reverse (Jira runs them independently, so the
outcome must not depend on their order). The JQL is parsed, never matched as text.

What is compared, over every category × urgency × impact × reproduced (Yes, No or empty): a new ticket with its
hand-over fields filled and with them empty (the return path), the returned ticket completed and resubmitted,
each hand-over for a code change, and each missed goal at each tier and priority (acted on once, not at every
run). The router (`cep.routing`) is the reference for routes, priorities and channels; the definition's breach
rules for what a missed goal does.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..definition.model import Process
from ..routing.calendars import BusinessCalendar
from ..routing.router import Router
from ..routing.tickets import Ticket
from . import automation as kinds
from .jql import Sla, parse
from .names import NO, YES, JiraNames
from .service_management import sla_name

_WHEN = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # routing does not depend on it; deadlines are not compared
_NOW = re.compile(r'\{\{now\.convertToTimeZone\("([^"]+)"\)\.format\("([^"]+)"\)\}\}')
_CATEGORY = {"TODO": "To Do", "IN_PROGRESS": "In Progress", "DONE": "Done"}  # as JQL's statusCategory names them
_JAVA_DATE = {"yyyy": "%Y", "MM": "%m", "dd": "%d", "HH": "%H", "mm": "%M", "'T'": "T"}
_MOST_RUNS = 200  # Jira stops a chain of rules that loops; so does the interpreter, loudly


@dataclass(frozen=True)
class Outcome:
    tier: str | None
    priority: str | None
    status: str | None
    posted: tuple[str, ...]  # the channels posted to, sorted


@dataclass(frozen=True)
class Difference:
    case: str
    automation: Outcome
    expected: Outcome

    def __str__(self) -> str:
        return (
            f"first case that differs: {self.case}: Jira automation gives {self.automation}, expected {self.expected}"
        )


@dataclass
class Issue:
    fields: dict[str, Any]  # lower-case field name → a string, a tuple (labels) or an Sla
    posted: Counter[str] = field(default_factory=Counter)


class RuleLoop(RuntimeError):
    """The rules kept triggering one another."""


class Jira:
    """The rules of a site and its workflow, run on one issue at a time."""

    def __init__(self, rules: list[dict[str, Any]], workflow: dict[str, Any], reverse: bool = False) -> None:
        self.rules = [r["rule"] for r in rules if r["rule"]["state"] == "ENABLED"]
        if reverse:
            self.rules.reverse()
        names = {s["statusReference"]: s["name"] for s in workflow["statuses"]}
        # JQL's statusCategory, by status: "To Do", "In Progress" or "Done"
        self.categories = {s["name"]: _CATEGORY[s["statusCategory"]] for s in workflow["statuses"]}
        transitions = workflow["workflows"][0]["transitions"]
        self.initial = next(names[t["toStatusReference"]] for t in transitions if t["type"] == "INITIAL")
        self.moves = {
            (names[link["fromStatusReference"]], names[t["toStatusReference"]])
            for t in transitions
            for link in t["links"]
        }
        self.parsed: dict[str, Any] = {}
        self.now = _WHEN  # when the scheduled rules run

    def render(self, text: str) -> str:
        """A smart-value text as Jira renders it; only the time a rule runs is modelled."""

        def now(match: re.Match[str]) -> str:
            pattern = re.sub("|".join(map(re.escape, _JAVA_DATE)), lambda m: _JAVA_DATE[m[0]], match[2])
            return self.now.astimezone(ZoneInfo(match[1])).strftime(pattern)

        rendered = _NOW.sub(now, text)
        if "{{" in rendered:
            raise NotImplementedError(f"the interpreter does not model the smart value in {text!r}")
        return rendered

    def matches(self, jql: str, issue: Issue) -> bool:
        if jql not in self.parsed:
            self.parsed[jql] = parse(jql)
        return self.parsed[jql](issue.fields)

    # -- what people do ---------------------------------------------------------------------------------------
    def create(self, values: dict[str, Any]) -> Issue:
        fields = {"status": self.initial, "statuscategory": self.categories[self.initial], "labels": ()}
        issue = Issue({**fields, **{k.lower(): v for k, v in values.items()}})
        events = [("created",)] + [("field", name) for name, value in issue.fields.items() if value not in (None, ())]
        self._dispatch(issue, [(event, None) for event in events])
        return issue

    def edit(self, issue: Issue, values: dict[str, Any]) -> None:
        self._dispatch(issue, [(event, None) for event in self._set(issue, values)])

    def move(self, issue: Issue, status: str) -> None:
        self._dispatch(issue, [(event, None) for event in self._transition(issue, status)])

    def tick(self, issue: Issue, now: datetime = _WHEN) -> None:
        """One run of the scheduled rules, at `now`."""
        self.now = now
        for rule in self.rules:
            trigger = rule["trigger"]
            if trigger["type"] == kinds.SCHEDULED and self.matches(trigger["value"]["jql"], issue):
                self._dispatch(issue, [(event, rule["uuid"]) for event in self._run(rule["components"], issue)])

    # -- what Jira does ---------------------------------------------------------------------------------------
    def _set(self, issue: Issue, values: dict[str, Any]) -> list[tuple[str, ...]]:
        events = []
        for name, value in values.items():
            if issue.fields.get(name.lower()) != value:
                issue.fields[name.lower()] = value
                events.append(("field", name.lower()))
        return events

    def _transition(self, issue: Issue, status: str) -> list[tuple[str, ...]]:
        source = issue.fields["status"]
        if (source, status) not in self.moves:
            raise _Failed(f"no transition from {source!r} to {status!r}")
        issue.fields["status"] = status
        issue.fields["statuscategory"] = self.categories[status]
        return [("transition", source, status), ("field", "status")]

    def _triggered(self, rule: dict[str, Any], event: tuple[str, ...]) -> bool:
        trigger = rule["trigger"]
        kind, value = trigger["type"], trigger["value"]
        if kind == kinds.CREATED:
            return event[0] == "created"
        if kind == kinds.FIELD_CHANGED:
            return event[0] == "field" and event[1] in {f["value"].lower() for f in value["fields"]}
        if kind == kinds.TRANSITIONED:
            targets = {s["value"] for s in value["toStatus"]}
            sources = {s["value"] for s in value["fromStatus"]}
            return event[0] == "transition" and event[2] in targets and (not sources or event[1] in sources)
        return False

    def _dispatch(self, issue: Issue, queue: list[tuple[tuple[str, ...], str | None]]) -> None:
        runs = 0
        while queue:
            event, source = queue.pop(0)
            for rule in self.rules:
                if not self._triggered(rule, event):
                    continue
                if source is not None and (source == rule["uuid"] or not rule.get("canOtherRuleTrigger")):
                    continue  # a rule's own actions never re-run it; others' only where it allows them
                runs += 1
                if runs > _MOST_RUNS:
                    raise RuleLoop(f"more than {_MOST_RUNS} rule runs for one change: the rules loop")
                queue += [(caused, rule["uuid"]) for caused in self._run(rule["components"], issue)]

    def _run(self, components: list[dict[str, Any]], issue: Issue) -> list[tuple[str, ...]]:
        """Run components in order; a failed condition or action ends the rule (what it did so far stays)."""
        events: list[tuple[str, ...]] = []
        with contextlib.suppress(_Failed):
            self._components(components, issue, events)
        return events

    def _components(self, components: list[dict[str, Any]], issue: Issue, events: list[tuple[str, ...]]) -> bool:
        for component in components:
            kind, value = component["type"], component["value"]
            if kind == kinds.JQL_CONDITION:
                if not self.matches(value, issue):
                    return False
            elif kind == kinds.COMPARE:
                first, second = self.render(value["first"]), self.render(value["second"])
                if (second in first) != (value["operator"] == "CONTAINS"):
                    return False
            elif kind == kinds.CONTAINER:
                for block in component["children"]:
                    if all(self.matches(c["value"], issue) for c in block["conditions"]):
                        self._components(block["children"], issue, events)
                        break
            elif kind == kinds.EDIT:
                for operation in value["operations"]:
                    name = operation["field"]["value"]
                    if operation["type"] in ("ADD", "REMOVE"):
                        labels = issue.fields.get(name, ())
                        given = {v["value"] for v in operation["value"]}
                        kept = tuple(label for label in labels if operation["type"] == "ADD" or label not in given)
                        changed = kept + tuple(sorted(given - set(labels))) if operation["type"] == "ADD" else kept
                        if changed != labels:
                            issue.fields[name] = changed
                            events.append(("field", name))
                    else:
                        events += self._set(issue, {name: operation["value"]["value"]})
            elif kind == kinds.TRANSITION:
                events += self._transition(issue, value["destinationStatus"]["value"])
            elif kind == kinds.WEB_REQUEST:
                channel = next(h["value"] for h in value["headers"] if h["name"] == kinds.CHANNEL_HEADER)
                issue.posted[channel] += 1
        return True


class _Failed(Exception):
    """An action Jira would refuse (a transition the workflow does not have): the rule stops with an error."""


def _outcome(issue: Issue, names: JiraNames) -> Outcome:
    f = names.fields
    return Outcome(
        issue.fields.get(f["tier"].lower()),
        issue.fields.get("priority"),
        issue.fields["status"],
        tuple(sorted(issue.posted.elements())),  # a channel told twice shows twice
    )


class Check:
    """Compares the rules with the router over the ticket space; see the module's docstring."""

    def __init__(self, process: Process, bundle: dict[str, Any], rules: list[dict[str, Any]] | None = None) -> None:
        self.process, self.router, self.names = process, Router(process), JiraNames(process)
        self.rules = rules if rules is not None else bundle["automation"]
        self.workflow = bundle["workflows"][0]
        self.cases = 0
        # hand-overs happen then, and two days before each holiday on a fix window's day (it opens late that week)
        self.handed_over = [_WHEN]
        for window in (h.fix_window for h in process.handovers if h.fix_window):
            calendar = BusinessCalendar(process.calendar(window.calendar))
            closed = [d for d, _ in calendar.holidays_in([_WHEN.year, _WHEN.year + 1]) if d.weekday() == window.weekday]
            self.handed_over += [datetime.combine(day - timedelta(days=2), _WHEN.timetz()) for day in closed]
        self.template_fields = {  # Jira name → the field's id in the definition
            self.names.template_field(f).lower(): f.id
            for t in process.templates
            for f in t.fields
            if f.id not in ("category", "urgency", "impact", "priority")
        }

    def expected(self, ticket: Ticket, status_of_route: bool = True) -> Outcome:
        decision = self.router.route(ticket)
        status = self.names.tier_status[decision.route]
        if decision.missing_fields:
            status = self.process.jira.returned
        return Outcome(
            decision.route, decision.priority, status if status_of_route else None, tuple(sorted(set(decision.notify)))
        )

    def run(self) -> Difference | None:
        for reverse in (False, True):
            jira = Jira(self.rules, self.workflow, reverse)
            for difference in itertools.chain(self._routing(jira), self._breaches(jira)):
                if difference is not None:
                    return difference
        return None

    def _compare(self, case: str, issue: Issue, expected: Outcome) -> Difference | None:
        self.cases += 1
        got = _outcome(issue, self.names)
        return None if got == expected else Difference(case, got, expected)

    def _routing(self, jira: Jira):  # type: ignore[no-untyped-def]
        p, f = self.process, self.names.fields
        triage = p.default_route.tier
        filled = {name: "given" for name in self.template_fields}
        coders = [(h.from_tier, h) for h in p.handovers if h.when == "needs-code-change"]
        domains = p.domains()
        for category, urgency, impact, reproduced in itertools.product(
            domains["category"], domains["urgency"], domains["impact"], (YES, NO, None)
        ):
            base = {f["category"]: category, f["urgency"]: urgency, f["impact"]: impact, f["reproduced"]: reproduced}
            ticket = Ticket("kind", category, urgency, impact, _WHEN, reproduced == YES, triage, fields={})
            case = f"{category}/{urgency}/{impact}/reproduced={reproduced}"
            complete = ticket._replace(fields={field_id: "given" for field_id in self.template_fields.values()})
            issue = jira.create({**base, **filled})
            yield self._compare(f"new {case}, hand-over fields filled", issue, self.expected(complete))
            issue = jira.create(base)
            yield self._compare(f"new {case}, hand-over fields empty", issue, self.expected(ticket))
            if issue.fields["status"] == p.jira.returned:
                jira.edit(issue, filled)
                jira.move(issue, self.names.tier_status[triage])
                # over the ticket's life each channel hears of it once: announced when it was returned, escalated now
                want = self.expected(complete)
                yield self._compare(f"{case} returned, completed and resubmitted", issue, want)
            for (tier, handover), when in itertools.product(coders, self.handed_over):
                issue = jira.create({**base, **filled})
                if issue.fields.get(f["tier"].lower()) != tier:
                    continue  # this kind of ticket never reaches that tier by routing
                jira.edit(issue, {f["needs_code_change"]: YES})
                # over the ticket's life each channel hears of it once: routed first, then handed over
                handed = complete._replace(tier=tier, needs_code_change=True, created=when, escalated=when)
                coded = self.expected(handed)
                heard = set(self.expected(complete).posted + coded.posted)
                want = replace(coded, posted=tuple(sorted(heard)))
                case_at = f"{case} at {tier} needs a code change ({handover.id}) on {when:%Y-%m-%d}"
                opens = self.router.route(handed).starts.get("acknowledge", when)
                if opens > when:  # it waits for the fix window where it was, then enters the tier when it opens
                    waiting = replace(want, status=self.names.tier_status[tier])
                    for before in (opens - timedelta(hours=1), opens - timedelta(days=1)):
                        jira.tick(issue, before)
                        yield self._compare(f"{case_at}, {before:%a %H:%M} before the window", issue, waiting)
                    jira.tick(issue, opens)
                yield self._compare(case_at, issue, want)

    def _breaches(self, jira: Jira):  # type: ignore[no-untyped-def]
        """Each missed goal at each tier and priority: the definition's first matching breach rule acts, once."""
        p, f = self.process, self.names.fields
        for tier, priority, clock in itertools.product(p.tiers, p.priorities, p.clocks):
            slas = {sla_name(p, c).lower(): Sla("running", 10**9) for c in p.clocks}
            slas[sla_name(p, clock).lower()] = Sla("breached", -1)
            issue = Issue(
                {
                    "status": self.names.tier_status[tier.id],
                    "statuscategory": "In Progress",
                    "labels": (),
                    "priority": priority.id,
                    f["tier"].lower(): tier.id,
                    **slas,
                }
            )
            for _ in p.breaches:  # a missed goal may escalate, and the next tier's rule act in turn
                jira.tick(issue)
            before = Counter(issue.posted)
            jira.tick(issue)
            if issue.posted != before:
                yield Difference(
                    f"{clock} missed at {tier.id}, {priority.id}: alerted again at every run",
                    _outcome(issue, self.names),
                    _outcome(issue, self.names),
                )
            # the definition: the first breach rule for where the ticket is acts, once; then the next tier's (each
            # rule's alert is a message of its own)
            at, acted, heard = tier.id, set(), []
            while rule := next((r for r in p.breaches if at in r.tiers and priority.id in r.priorities), None):
                if rule.id in acted:
                    break
                acted.add(rule.id)
                heard += rule.notify
                at = rule.escalate_to or at
            want = Outcome(at, priority.id, self.names.tier_status[at], tuple(sorted(heard)))
            yield self._compare(f"{clock} missed at {tier.id}, {priority.id}", issue, want)


def check_equivalence(
    process: Process, bundle: dict[str, Any], rules: list[dict[str, Any]] | None = None
) -> tuple[int, Difference | None]:
    """(cases compared, the first difference or None). `rules` are the rules as on the site (enabled as
    `cep jira apply` enables them); by default the bundle's, every one enabled."""
    if rules is None:
        rules = [{**r, "rule": {**r["rule"], "state": "ENABLED"}} for r in bundle["automation"]]
    check = Check(process, bundle, rules)
    difference = check.run()
    return check.cases, difference
