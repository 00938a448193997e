"""Proof that the generated automation routes like the manual: read the rules back (JQL parsed, not matched),
run them in order over every kind of ticket the model's fields allow, and compare with `cep.routing.router`."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..definition.model import Process
from ..routing.router import Router
from ..routing.tickets import Ticket
from . import automation as kinds
from .jql import parse
from .names import NO, YES, JiraNames

_EVENT_TRIGGERS = (kinds.CREATED, kinds.FIELD_CHANGED)
_WHEN = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # routing does not depend on it; deadlines are not compared


@dataclass(frozen=True)
class Outcome:
    tier: str
    priority: str
    notify: frozenset[str]


@dataclass(frozen=True)
class Difference:
    ticket: dict[str, Any]
    automation: Outcome
    router: Outcome

    def __str__(self) -> str:
        return (
            f"first ticket that differs: {self.ticket}: Jira automation gives {self.automation}, "
            f"the router gives {self.router}"
        )


class AutomationRunner:
    """Runs the event-triggered rules of a bundle over one ticket's fields."""

    def __init__(self, bundle: dict[str, Any]) -> None:
        self.rules = [r["rule"] for r in bundle["automation"] if r["rule"]["trigger"]["type"] in _EVENT_TRIGGERS]
        self.channels = {placeholder: text.rsplit(" ", 1)[-1] for placeholder, text in bundle["placeholders"].items()}
        self._parsed: dict[str, Any] = {}

    def matches(self, jql: str, fields: dict[str, str | None]) -> bool:
        if jql not in self._parsed:
            self._parsed[jql] = parse(jql)
        return self._parsed[jql](fields)

    def run(self, fields: dict[str, str | None]) -> tuple[dict[str, str | None], set[str]]:
        fields = {k.lower(): v for k, v in fields.items()}
        posted: set[str] = set()
        for rule in self.rules:
            self._components(rule["components"], fields, posted)
        return fields, posted

    def _components(self, components: list[dict[str, Any]], fields: dict[str, str | None], posted: set[str]) -> None:
        for component in components:
            kind = component["type"]
            if kind == kinds.JQL_CONDITION:
                if not self.matches(component["value"], fields):
                    return  # a failed condition stops the rest of the rule
            elif kind == kinds.CONTAINER:
                for block in component["children"]:
                    if all(self.matches(c["value"], fields) for c in block["conditions"]):
                        self._components(block["children"], fields, posted)
                        break
            elif kind == kinds.EDIT:
                for operation in component["value"]["operations"]:
                    fields[operation["field"]["value"].lower()] = operation["value"]["value"]
            elif kind == kinds.WEB_REQUEST:
                posted.add(self.channels[component["value"]["url"]])


def check_equivalence(process: Process, bundle: dict[str, Any]) -> tuple[int, Difference | None]:
    """(kinds of ticket compared, the first difference or None)."""
    router, runner, names = Router(process), AutomationRunner(bundle), JiraNames(process)
    f = names.fields
    domains = process.domains()
    starts = [(process.default_route.tier, False)]
    starts += [
        (h.from_tier, code) for h in process.handovers if h.when == "needs-code-change" for code in (True, False)
    ]
    count = 0
    for category, urgency, impact, reproduced in itertools.product(
        domains["category"], domains["urgency"], domains["impact"], (True, False)
    ):
        for tier, code in starts:
            count += 1
            ticket = {
                f["category"]: category,
                f["urgency"]: urgency,
                f["impact"]: impact,
                f["reproduced"]: YES if reproduced else NO,
                f["tier"]: tier,
                f["needs_code_change"]: YES if code else NO,
            }
            fields, posted = runner.run(ticket)
            jira = Outcome(str(fields.get(f["tier"].lower())), str(fields.get("priority")), frozenset(posted))
            decision = router.route(
                Ticket("kind", category, urgency, impact, _WHEN, reproduced, tier, needs_code_change=code)
            )
            expected = Outcome(decision.route, decision.priority, frozenset(decision.notify))
            if jira != expected:
                return count, Difference(ticket, jira, expected)
    return count, None
