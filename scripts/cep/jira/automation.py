"""Automation rules as bodies for Atlassian's Automation REST API (`POST /rest/v1/rule`): `{rule, connections}`.

Component shapes follow Atlassian's published spec (whose component values are untyped) and public rule exports.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..definition.model import Process
from .jql import in_list, quote
from .names import YES, JiraNames

CREATED = "jira.issue.event.trigger:created"
FIELD_CHANGED = "jira.issue.event.trigger:field_value_changed"
TRANSITIONED = "jira.issue.event.trigger:transitioned"
SCHEDULED = "jira.jql.scheduled"
JQL_CONDITION = "jira.jql.condition"
IF_BLOCK = "jira.condition.if.block"
CONTAINER = "jira.condition.container.block"
EDIT = "jira.issue.edit"
TRANSITION = "jira.issue.transition"
WEB_REQUEST = "jira.issue.outgoing.webhook"
COMMENT = "jira.issue.comment"
# What a message says of its issue. The summary is the customer's text, placed inside a JSON string: encoded.
ABOUT_THE_ISSUE = "{{issue.key}}: {{issue.summary.jsonEncode}}"
_ADJACENT_BRACES = re.compile(r"([{}])(?=[{}])")


def literal(text: str) -> str:
    """Text from the definition where Jira evaluates smart values: `{{`, `}}` are split by a zero-width space, so
    that a name such as `{{issue.reporter.emailAddress}}` is shown as written, never evaluated (smart values are
    Mustache tags, which have no escape of their own)."""
    return _ADJACENT_BRACES.sub("\\1\u200b", text)


def _component(
    kind: str, type_: str, value: Any, *, conditions: list | None = None, children: list | None = None
) -> dict[str, Any]:
    return {
        "component": kind,
        "type": type_,
        "schemaVersion": 1,
        "value": value,
        "conditions": conditions or [],
        "children": children or [],
    }


def jql_condition(jql: str) -> dict[str, Any]:
    """A JQL condition; Automation evaluates smart values in JQL too, so none may come from a name in it."""
    return _component("CONDITION", JQL_CONDITION, literal(jql))


def first_match(branches: list[tuple[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    """If / else-if blocks: the first branch whose JQL matches runs its actions."""
    blocks = [
        _component(
            "CONDITION_BLOCK",
            IF_BLOCK,
            {"conditionMatchType": "ALL"},
            conditions=[jql_condition(jql)] if jql else [],
            children=actions,
        )
        for jql, actions in branches
    ]
    return _component("CONDITION_BLOCK", CONTAINER, {}, children=blocks)


def set_fields(values: dict[str, str]) -> dict[str, Any]:
    operations = [
        {"field": {"type": "NAME", "value": name}, "type": "SET", "value": {"type": "NAME", "value": value}}
        for name, value in values.items()
    ]
    return _component("ACTION", EDIT, {"operations": operations, "sendNotifications": False})


def transition(status: str) -> dict[str, Any]:
    return _component("ACTION", TRANSITION, {"destinationStatus": {"type": "NAME", "value": status}})


def comment(text: str) -> dict[str, Any]:
    return _component("ACTION", COMMENT, {"comment": text, "publicComment": False})


class RuleWriter:
    """Builds the rules for one process."""

    def __init__(self, process: Process, names: JiraNames) -> None:
        self.process = process
        self.names = names
        self.fields = names.fields

    def post(self, channel: str, said: str) -> dict[str, Any]:
        """A message to a Slack channel through its incoming webhook, whose URL the admin fills in: what the
        definition `said`, then which issue it is about."""
        body = json.dumps({"text": f"[{channel}] {literal(said)} {ABOUT_THE_ISSUE}"}, ensure_ascii=False)
        return _component(
            "ACTION",
            WEB_REQUEST,
            {
                "url": self.names.placeholder(channel),
                "method": "POST",
                "contentType": "custom",
                "customBody": body,
                "headers": [{"name": "Content-Type", "value": "application/json"}],
                "sendIssue": False,
                "responseEnabled": False,
            },
        )

    def rule(
        self,
        name: str,
        description: str,
        trigger: dict[str, Any],
        components: list[dict[str, Any]],
    ) -> dict[str, Any]:
        return {
            "rule": {
                "name": literal(name),
                "description": literal(description),
                "state": "ENABLED",
                "canOtherRuleTrigger": True,
                "labels": ["cep", self.process.meta.id],
                "trigger": trigger,
                "components": components,
            },
            "connections": [],
        }

    def on_fields(self, *keys: str) -> dict[str, Any]:
        """Triggered when the issue is created or one of these fields changes."""
        names = [{"type": "NAME", "value": self.fields.get(k, k)} for k in keys]
        return _component(
            "TRIGGER", FIELD_CHANGED, {"fields": names, "changeType": "ANY_CHANGE", "includeIssueCreated": True}
        )

    # -- the rules ----------------------------------------------------------------------------------------------
    def priority_jql(self, priority: str) -> str:
        """Tickets whose urgency × impact (and category floor) give `priority`."""
        p = self.process
        floored = sorted({f.category for f in p.floors})
        classes: list[tuple[str, str]] = []  # (category JQL, a category of that class)
        others = [c.id for c in p.categories if c.id not in floored]
        if others:
            classes.append(
                (
                    f"{quote(self.fields['category'])} not in ({', '.join(map(quote, floored))})" if floored else "",
                    others[0],
                )
            )
        classes += [(in_list(self.fields["category"], [c]), c) for c in floored]
        terms = []
        for category_jql, category in classes:
            cells = []
            for u in p.urgency:
                impacts = [i.id for i in p.impact if self.process.priority_for(category, u.id, i.id)[0] == priority]
                if impacts:
                    cells.append(
                        f"({in_list(self.fields['urgency'], [u.id])} AND {in_list(self.fields['impact'], impacts)})"
                    )
            if cells:
                cell_jql = " OR ".join(cells)
                terms.append(f"({category_jql} AND ({cell_jql}))" if category_jql else f"({cell_jql})")
        return " OR ".join(terms)

    def set_priority(self) -> dict[str, Any]:
        branches = [(self.priority_jql(pr.id), [set_fields({"priority": pr.id})]) for pr in self.process.priorities]
        return self.rule(
            "CEP: set priority from urgency × impact",
            "The priority matrix, with the category floors.",
            self.on_fields("urgency", "impact", "category"),
            [first_match([(jql, actions) for jql, actions in branches if jql])],
        )

    def route(self) -> dict[str, Any]:
        p = self.process
        triage = p.default_route.tier
        branches = []
        for trigger in p.triggers:
            actions = [
                set_fields({self.fields["tier"]: trigger.route, self.fields["trigger"]: trigger.id}),
                transition(self.names.tier_status[trigger.route]),
            ]
            actions += [self.post(c, f"Escalation ({trigger.name})") for c in trigger.notify]
            branches.append((self.names.condition(trigger.when), actions))
        at_triage = f"({in_list(self.fields['tier'], [triage])} OR {quote(self.fields['tier'])} is EMPTY)"
        return self.rule(
            "CEP: route by the escalation triggers, in order",
            f"{p.tier(triage).short_name} checks the triggers in order; the first that matches decides the route.",
            self.on_fields("category", "urgency", "impact", "reproduced", "priority"),
            [jql_condition(at_triage), first_match(branches)],
        )

    def announcements(self) -> list[dict[str, Any]]:
        return [
            self.rule(
                f"CEP: {a.name}",
                a.summary,
                self.on_fields("priority"),
                [
                    jql_condition(self.names.condition(a.when)),
                    *(self.post(c, a.name) for c in a.notify),
                ],
            )
            for a in self.process.announcements
        ]

    def handovers(self) -> list[dict[str, Any]]:
        rules = []
        for h in self.process.handovers:
            if h.when != "needs-code-change":
                continue
            condition = (
                f"{in_list(self.fields['tier'], [h.from_tier])} AND {in_list(self.fields['needs_code_change'], [YES])}"
            )
            actions = [set_fields({self.fields["tier"]: h.to_tier}), transition(self.names.tier_status[h.to_tier])]
            actions += [self.post(c, h.name) for c in h.notify]
            rules.append(
                self.rule(
                    f"CEP: {h.name}",
                    h.summary,
                    self.on_fields("needs_code_change"),
                    [jql_condition(condition), *actions],
                )
            )
        return rules

    def return_incomplete(self) -> list[dict[str, Any]]:
        rules = []
        for trigger_template in dict.fromkeys(t.template for t in self.process.triggers):
            template = self.process.template(trigger_template)
            routes = sorted({t.route for t in self.process.triggers if t.template == template.id})
            missing = []
            for f in template.fields:
                if f.id in ("category", "urgency", "impact", "priority"):
                    continue  # set on every ticket by triage
                if f.required or f.required_when:
                    empty = f"{quote(self.names.template_field(f))} is EMPTY"
                    when = self.names.condition(f.required_when) if f.required_when else ""
                    missing.append(f"({when} AND {empty})" if when else empty)
            if not missing:
                continue
            entered = _component(
                "TRIGGER",
                TRANSITIONED,
                {"fromStatus": [], "toStatus": [{"type": "NAME", "value": self.names.tier_status[r]} for r in routes]},
            )
            rules.append(
                self.rule(
                    f"CEP: return an incomplete {template.name.lower()} to "
                    f"{self.process.tier(template.from_tier).short_name}",
                    f"An escalation that lacks a required field of the {template.name} goes back, with the list.",
                    entered,
                    [
                        jql_condition(" OR ".join(missing)),
                        transition(self.process.jira.returned),
                        comment(
                            literal(
                                f"Returned: the {template.name} lacks required fields: "
                                + ", ".join(f.name for f in template.fields if f.required or f.required_when)
                            )
                        ),
                    ],
                )
            )
        return rules

    def sla_alerts(self, at_risk_jql: str, breached_by_rule: list[tuple[str, str]]) -> dict[str, Any]:
        risk = self.process.at_risk
        branches = [(jql, self._breach_actions(rule_id)) for rule_id, jql in breached_by_rule]
        branches.append(
            (
                at_risk_jql,
                [self.post(c, f"At risk ({risk.threshold_percent}% of a goal)") for c in risk.notify],
            )
        )
        trigger = _component(
            "TRIGGER",
            SCHEDULED,
            {"jql": "statusCategory != Done", "schedule": {"rate": "15m"}, "onlyUpdatedIssues": False},
        )
        return self.rule("CEP: time goals at risk and missed", risk.summary, trigger, [first_match(branches)])

    def _breach_actions(self, rule_id: str) -> list[dict[str, Any]]:
        rule = next(r for r in self.process.breaches if r.id == rule_id)
        actions: list[dict[str, Any]] = []
        if rule.escalate_to:
            actions += [
                set_fields({self.fields["tier"]: rule.escalate_to}),
                transition(self.names.tier_status[rule.escalate_to]),
            ]
        who = self.process.role(rule.alert).name if rule.alert else ""
        text = f"{rule.name}{' — ' + who if who else ''}: a goal was missed on"
        return actions + [self.post(c, text) for c in rule.notify]
