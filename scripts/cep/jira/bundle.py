"""The Jira configuration bundle: one deterministic document of request bodies, in the order an admin applies them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..definition.model import Process
from .automation import RuleWriter
from .jql import in_list, quote
from .names import NO, SYSTEM_FIELDS, YES, JiraNames
from .service_management import ServiceManagement, jsm_duration, sla_name

SCHEMA_VERSION = 1
PROJECT_ID = "JIRA_PROJECT_ID"  # a placeholder: the admin fills in the service project's id
_LARGEST_BUNDLE = 64 << 20  # bytes: a bundle is far smaller; a larger file is not one
ENDPOINTS = {
    "priorities": "POST /rest/api/3/priority",
    "issueTypes": "POST /rest/api/3/issuetype",
    "fields": "POST /rest/api/3/field; then Jira's default context (GET /rest/api/3/field/{fieldId}/context) is "
    "limited to the project with PUT /rest/api/3/field/{fieldId}/context/{contextId}/project, and given the options "
    "with POST /rest/api/3/field/{fieldId}/context/{contextId}/option",
    "statuses": "POST /rest/api/3/statuses",
    "workflows": "POST /rest/api/3/workflows/create",
    "filters": "POST /rest/api/3/filter",
    "automation": "POST /rest/v1/rule (Automation REST API)",
}
SELECT = (
    "com.atlassian.jira.plugin.system.customfieldtypes:select",
    "com.atlassian.jira.plugin.system.customfieldtypes:multiselectsearcher",
)
TEXT = (
    "com.atlassian.jira.plugin.system.customfieldtypes:textarea",
    "com.atlassian.jira.plugin.system.customfieldtypes:textsearcher",
)


class _Bundle:
    def __init__(self, process: Process, years: list[int]) -> None:
        self.process = process
        self.names = JiraNames(process)
        self.sm = ServiceManagement(process, self.names, years)

    def priorities(self) -> list[dict[str, Any]]:
        return [
            {
                "name": p.id,
                "description": f"{p.name}: first response {p.first_response}, resolution "
                f"{p.resolution}, tier acknowledgement {p.acknowledge}; customer updates {p.customer_updates}.",
                "statusColor": p.colour,
            }
            for p in self.process.priorities
        ]

    def issue_types(self) -> list[dict[str, Any]]:
        return [
            {"name": t.name, "description": t.summary, "type": "standard", "hierarchyLevel": 0}
            for t in self.process.jira.issue_types
        ]

    def _select(self, name: str, description: str, values: list[str]) -> dict[str, Any]:
        return {
            "field": {"name": name, "description": description, "type": SELECT[0], "searcherKey": SELECT[1]},
            "context": self._project_only(),
            "options": {"options": [{"value": v} for v in values]},
        }

    @staticmethod
    def _project_only() -> dict[str, Any]:
        """The body that limits a field's default context to the project (no second context is made)."""
        return {"projectIds": [PROJECT_ID]}

    def fields(self) -> list[dict[str, Any]]:
        p, f = self.process, self.names.fields
        triage = p.tier(p.default_route.tier).short_name
        coders = ", ".join(
            dict.fromkeys(p.tier(h.to_tier).short_name for h in p.handovers if h.when == "needs-code-change")
        )
        items = [
            self._select(f["urgency"], "How soon the customer needs it.", [u.id for u in p.urgency]),
            self._select(f["impact"], "How many are affected.", [i.id for i in p.impact]),
            self._select(f["category"], "What kind of request it is.", [c.id for c in p.categories]),
            self._select(f["reproduced"], f"Whether {triage} has reproduced the problem.", [YES, NO]),
            self._select(f["tier"], "The tier that has the ticket.", [t.id for t in p.tiers]),
            self._select(f["trigger"], "The escalation trigger that matched.", [t.id for t in p.triggers]),
            self._select(f["needs_code_change"], f"Whether the fix needs a code change ({coders}).", [YES, NO]),
        ]
        seen = {item["field"]["name"] for item in items}
        for template in p.templates:
            for field in template.fields:
                name = self.names.template_field(field)
                if field.id in SYSTEM_FIELDS or name in seen:
                    continue  # Jira has it, or it was made for another template already
                seen.add(name)
                description = field.hint or f"{field.name} ({template.name})."
                items.append(
                    {
                        "field": {"name": name, "description": description, "type": TEXT[0], "searcherKey": TEXT[1]},
                        "context": self._project_only(),
                    }
                )
        return items

    def _status_rows(self) -> list[tuple[str, str, str, str]]:
        """(key, name, category, description) of every status."""
        p, j = self.process, self.process.jira
        triage = p.default_route.tier
        rows = [(f"tier:{t.id}", t.status, "TODO" if t.id == triage else "IN_PROGRESS", t.summary) for t in p.tiers]
        rows += [
            ("waiting", j.waiting, "IN_PROGRESS", "Waiting for the customer; resolution clocks pause."),
            ("returned", j.returned, "TODO", "An escalation returned for missing information."),
            ("resolved", j.resolved, "DONE", "Resolved."),
            ("closed", j.closed, "DONE", "Closed."),
        ]
        return rows

    def statuses(self) -> list[dict[str, Any]]:
        return [
            {
                "scope": {"type": "GLOBAL"},
                "statuses": [
                    {"name": name, "statusCategory": category, "description": description}
                    for _, name, category, description in self._status_rows()
                ],
            }
        ]

    def workflows(self) -> list[dict[str, Any]]:
        p = self.process
        ref = self.names.status_reference
        rows = self._status_rows()
        triage = f"tier:{p.default_route.tier}"
        work = [key for key, *_ in rows if key.startswith("tier:")]
        moves: dict[tuple[str, str], str] = {}  # (from, to) → transition name, in the order they are added

        def allow(source: str, target: str, name: str) -> None:
            moves.setdefault((source, target), name)

        for trigger in p.triggers:
            allow(triage, f"tier:{trigger.route}", f"Escalate to {p.tier(trigger.route).short_name}")
        for handover in p.handovers:
            allow(
                f"tier:{handover.from_tier}",
                f"tier:{handover.to_tier}",
                f"Hand over to {p.tier(handover.to_tier).short_name}",
            )
        for rule in p.breaches:
            for tier in rule.tiers:
                if rule.escalate_to:
                    allow(
                        f"tier:{tier}", f"tier:{rule.escalate_to}", f"Escalate to {p.tier(rule.escalate_to).short_name}"
                    )
        for key in work:
            allow(key, "returned", f"Return to {p.tier(p.default_route.tier).short_name} for missing information")
            allow(key, "waiting", "Wait for the customer")
            allow("waiting", key, f"Customer replied ({p.tier(key[5:]).short_name})")
            allow(key, "resolved", "Resolve")
        allow("returned", triage, "Complete and resubmit")
        allow("resolved", "closed", "Close")
        allow("resolved", triage, "Reopen")
        transitions = [{"id": "1", "type": "INITIAL", "name": "Create", "toStatusReference": ref(triage), "links": []}]
        by_target: dict[str, list[tuple[str, str]]] = {}
        for (source, target), name in moves.items():
            by_target.setdefault(f"{target}|{name}", []).append((source, target))
        for n, (key, pairs) in enumerate(by_target.items(), start=2):
            target, name = key.split("|", 1)
            transitions.append(
                {
                    "id": str(n),
                    "type": "DIRECTED",
                    "name": name,
                    "toStatusReference": ref(target),
                    "links": [{"fromStatusReference": ref(source)} for source, _ in pairs],
                }
            )
        return [
            {
                "scope": {"type": "GLOBAL"},
                "statuses": [
                    {"name": name, "statusCategory": category, "statusReference": ref(key), "description": description}
                    for key, name, category, description in rows
                ],
                "workflows": [
                    {
                        "name": f"{p.meta.name} workflow",
                        "description": f"Generated from process {p.meta.id} version {p.meta.version}.",
                        "statuses": [{"statusReference": ref(key), "properties": {}} for key, *_ in rows],
                        "transitions": transitions,
                    }
                ],
            }
        ]

    def at_risk_jql(self) -> str:
        """Open tickets with less than the at-risk share of a running goal left, per priority and clock."""
        p = self.process
        left = 100 - p.at_risk.threshold_percent
        terms = []
        for clock in ("first_response", "resolution", "acknowledge"):
            field = quote(sla_name(p, clock))
            for pr in p.priorities:
                seconds = self.sm.seconds(pr.calendar, getattr(pr, clock)) * left // 100
                terms.append(
                    f"({in_list('priority', [pr.id])} AND {field} = running() AND "
                    f"{field} < remaining({quote(jsm_duration(seconds))}))"
                )
        review = p.clocks["review"]
        if review.target and review.calendar:
            field = quote(sla_name(p, "review"))
            seconds = self.sm.seconds(review.calendar, review.target) * left // 100
            terms.append(f"({field} = running() AND {field} < remaining({quote(jsm_duration(seconds))}))")
        return "statusCategory != Done AND (" + " OR ".join(terms) + ")"

    def any_breached(self) -> str:
        return " OR ".join(f"{quote(sla_name(self.process, c))} = breached()" for c in self.process.clocks)

    def breached_jql(self, tiers: tuple[str, ...] = (), priorities: tuple[str, ...] = ()) -> str:
        parts = ["statusCategory != Done", f"({self.any_breached()})"]
        if tiers:
            parts.append(in_list(self.names.fields["tier"], list(tiers)))
        if priorities:
            parts.append(in_list("priority", list(priorities)))
        return " AND ".join(parts)

    def filters(self) -> list[dict[str, Any]]:
        tier_field = self.names.fields["tier"]
        queues = [
            {
                "name": f"CEP queue: {t.name}",
                "description": f"Open tickets at {t.name}, most urgent first.",
                "jql": f"{in_list(tier_field, [t.id])} AND statusCategory != Done ORDER BY priority ASC, created ASC",
            }
            for t in self.process.tiers
        ]
        return [
            *queues,
            {
                "name": "CEP: time goals at risk",
                "description": self.process.at_risk.summary,
                "jql": self.at_risk_jql() + " ORDER BY priority ASC",
            },
            {
                "name": "CEP: time goals missed",
                "description": "Open tickets that missed a time goal.",
                "jql": self.breached_jql() + " ORDER BY priority ASC",
            },
        ]

    def automation(self) -> list[dict[str, Any]]:
        writer = RuleWriter(self.process, self.names, self.sm.years)
        breached = [(r.id, self.breached_jql(r.tiers, r.priorities)) for r in self.process.breaches]
        at_risk = f"{self.at_risk_jql()} AND NOT ({self.any_breached()})"  # a missed goal is not "at risk"
        return [
            writer.set_priority(),
            writer.route(),
            *writer.announcements(),
            *writer.handovers(),
            *writer.return_incomplete(),
            writer.sla_alerts(at_risk, breached),
        ]

    def build(self) -> dict[str, Any]:
        p = self.process
        return {
            "schema_version": SCHEMA_VERSION,
            "generated_from": p.document.file,
            "process": {"id": p.meta.id, "name": p.meta.name, "version": p.meta.version},
            "endpoints": ENDPOINTS,
            "placeholders": {
                PROJECT_ID: "The id of the service project (GET /rest/api/3/project/{projectKey})",
                **{
                    self.names.placeholder(c.id): f"Incoming-webhook URL of the Slack channel {c.id}"
                    for c in p.channels
                },
            },
            "priorities": self.priorities(),
            "issueTypes": self.issue_types(),
            "fields": self.fields(),
            "statuses": self.statuses(),
            "workflows": self.workflows(),
            "filters": self.filters(),
            "automation": self.automation(),
            "serviceManagement": self.sm.section(),
        }


def jira_bundle(process: Process, years: list[int]) -> dict[str, Any]:
    """The bundle for `process`; `years` are the years whose public holidays the SLA calendars list."""
    return _Bundle(process, years).build()


def is_bundle(path: Path) -> bool:
    """Whether the file at `path` is a bundle `cep jira export` wrote (so that writing a new one may replace it)."""
    try:
        if path.stat().st_size > _LARGEST_BUNDLE:
            return False
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and {"schema_version", "generated_from", "automation"} <= data.keys()
