"""Automation rules as bodies for Atlassian's Automation REST API (`POST /rest/v1/rule`): `{rule, connections}`.

Atlassian's spec leaves every component's `value` untyped ("export a rule containing the component"), so the
shapes follow public rule exports: the field-value-changed trigger (`jira.issue.field.changed`, schema version 2,
fields by `fieldName`, `eventFilters` holding the project's ARI), the scheduled trigger's `schedule` (`FIXED`, a
rate per interval in seconds, or a `CRON` expression), the if/else container (a `CONDITION` holding
`CONDITION_BLOCK`s), the advanced compare condition and the edit action's `fieldType` per operation.
`tests/jira/golden/README.md` lists where each shape was seen.

A rule is identified by a uuid derived from the process id and the rule's key, so that `cep jira apply` finds it
again; it is exported disabled, and `apply` enables it only once every webhook URL it posts to is known.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from ..definition.model import Handover, Process
from ..routing.calendars import BusinessCalendar, fix_window_start
from .jql import in_list, quote
from .names import YES, JiraNames

CREATED = "jira.issue.event.trigger:created"
FIELD_CHANGED = "jira.issue.field.changed"
TRANSITIONED = "jira.issue.event.trigger:transitioned"
SCHEDULED = "jira.jql.scheduled"
JQL_CONDITION = "jira.jql.condition"
COMPARE = "jira.comparator.condition"
IF_BLOCK = "jira.condition.if.block"
CONTAINER = "jira.condition.container.block"
EDIT = "jira.issue.edit"
TRANSITION = "jira.issue.transition"
WEB_REQUEST = "jira.issue.outgoing.webhook"
COMMENT = "jira.issue.comment"
SELECT_FIELD = "com.atlassian.jira.plugin.system.customfieldtypes:select"
CHANNEL_HEADER = "X-CEP-Channel"  # names the channel of a web request, so that its URL is found again on the site
_NAMESPACE = uuid.UUID("0d8e6c1e-4a5f-4f0b-9a57-3c2b8e1d7f64")  # fixed: a rule's uuid is the same on every run
# What a message says of its issue. The summary is the customer's text, placed inside a JSON string: encoded.
ABOUT_THE_ISSUE = "{{issue.key}}: {{issue.summary.jsonEncode}}"
_ADJACENT_BRACES = re.compile(r"([{}])(?=[{}])")


def literal(text: str) -> str:
    """Text from the definition where Jira evaluates smart values: `{{`, `}}` are split by a zero-width space, so
    that a name such as `{{issue.reporter.emailAddress}}` is shown as written, never evaluated (smart values are
    Mustache tags, which have no escape of their own)."""
    return _ADJACENT_BRACES.sub("\\1\u200b", text)


def rule_uuid(process_id: str, key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{process_id}:rule:{key}"))


def _component(
    kind: str,
    type_: str,
    value: Any,
    *,
    conditions: list | None = None,
    children: list | None = None,
    version: int = 1,
) -> dict[str, Any]:
    component = {
        "component": kind,
        "type": type_,
        "schemaVersion": version,
        "value": value,
        "conditions": conditions or [],
        "children": children or [],
    }
    if kind == "TRIGGER":
        del component["children"]  # Atlassian's TriggerConfigCreateDTO has none
    return component


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
    return _component("CONDITION", CONTAINER, {}, children=blocks)


def set_fields(values: dict[str, str]) -> dict[str, Any]:
    """Set fields by name: `priority`, or one of the process's select fields."""
    operations = [
        {
            "field": {"type": "NAME", "value": name},
            "fieldType": "priority" if name == "priority" else SELECT_FIELD,
            "type": "SET",
            "value": {"type": "NAME", "value": value},
        }
        for name, value in values.items()
    ]
    return _component("ACTION", EDIT, {"operations": operations, "sendNotifications": False}, version=12)


def add_label(label: str, operation: str = "ADD") -> dict[str, Any]:
    """Mark the issue (or, with `REMOVE`, unmark it), so that a scheduled rule acts on it once."""
    change = {
        "field": {"type": "ID", "value": "labels"},
        "fieldType": "labels",
        "type": operation,
        "value": [{"type": "FREE", "value": label}],
    }
    return _component("ACTION", EDIT, {"operations": [change], "sendNotifications": False}, version=12)


def now_in(zone: str, pattern: str) -> str:
    """The smart value for the time a rule runs, in `zone`, formatted with a Java date `pattern`."""
    return f'{{{{now.convertToTimeZone("{zone}").format("{pattern}")}}}}'


def compare(first: str, operator: str, second: str) -> dict[str, Any]:
    """The advanced compare condition: two smart-value texts and an operator."""
    return _component("CONDITION", COMPARE, {"first": first, "second": second, "operator": operator})


def transition(status: str) -> dict[str, Any]:
    return _component("ACTION", TRANSITION, {"destinationStatus": {"type": "NAME", "value": status}})


def comment(text: str) -> dict[str, Any]:
    return _component("ACTION", COMMENT, {"comment": text, "publicComment": False})


class RuleWriter:
    """Builds the rules for one process."""

    def __init__(self, process: Process, names: JiraNames, years: list[int]) -> None:
        self.process = process
        self.names = names
        self.fields = names.fields
        self.years = years  # the years whose fix-window openings the rules list

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
                "headers": [
                    {"name": "Content-Type", "value": "application/json"},
                    {"name": CHANNEL_HEADER, "value": channel},
                ],
                "sendIssue": False,
                "responseEnabled": False,
            },
        )

    def post_once(self, channel: str, said: str) -> dict[str, Any]:
        """A post the channel gets once per ticket, however many rules would tell it (a P1 outage is an
        escalation and a P1 announcement, both in the incidents channel): the ticket is marked as it is told."""
        told = f"cep-told-{channel.lstrip('#')}"
        return first_match([(self.not_marked(told), [add_label(told), self.post(channel, said)])])

    def rule(
        self,
        key: str,
        name: str,
        description: str,
        trigger: dict[str, Any],
        components: list[dict[str, Any]],
    ) -> dict[str, Any]:
        return {
            "rule": {
                "uuid": rule_uuid(self.process.meta.id, key),
                "name": literal(name),
                "description": literal(description),
                "state": "DISABLED",
                "canOtherRuleTrigger": True,
                "notifyOnError": "FIRSTERROR",
                "writeAccessType": "UNRESTRICTED",
                "labels": ["cep", self.process.meta.id],
                "trigger": trigger,
                "components": components,
            },
            "connections": [],
        }

    def on_fields(self, *keys: str) -> dict[str, Any]:
        """Triggered when one of these fields changes, by any operation (creating the issue included); `apply`
        puts the project's ARI in `eventFilters`."""
        names = [{"type": "fieldName", "value": self.fields.get(k, k)} for k in keys]
        value = {"eventFilters": [], "changeType": "ANY_CHANGE", "fields": names, "actions": []}
        return _component("TRIGGER", FIELD_CHANGED, value, version=2)

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
            "set-priority",
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
            condition = self.names.condition(trigger.when)
            missing = self.missing_jql(trigger.template)
            if missing:  # as the router does: an incomplete hand-over is returned, not announced as an escalation
                incomplete = " AND ".join(part for part in (condition, f"({missing})") if part)
                branches.append((incomplete, self.return_actions(trigger.template)))
            actions = [
                set_fields({self.fields["tier"]: trigger.route, self.fields["trigger"]: trigger.id}),
                transition(self.names.tier_status[trigger.route]),
            ]
            actions += [self.post_once(c, f"Escalation ({trigger.name})") for c in trigger.notify]
            branches.append((condition, actions))
        # No trigger matched: the ticket stays at triage, and says so in its tier field (queues and the
        # functional escalation read it).
        branches.append(("", [set_fields({self.fields["tier"]: triage})]))
        at_triage = (
            f"status = {quote(self.names.tier_status[triage])} AND "
            f"({in_list(self.fields['tier'], [triage])} OR {quote(self.fields['tier'])} is EMPTY)"
        )
        return self.rule(
            "route",
            "CEP: route by the escalation triggers, in order",
            f"{p.tier(triage).short_name} checks the triggers in order; the first that matches decides the route. "
            "It runs again when a returned ticket is resubmitted.",
            self.on_fields("category", "urgency", "impact", "reproduced", "priority", "status"),
            [jql_condition(at_triage), first_match(branches)],
        )

    def announcements(self) -> list[dict[str, Any]]:
        return [
            self.rule(
                f"announce:{a.id}",
                f"CEP: {a.name}",
                a.summary,
                self.on_fields("priority"),
                [
                    jql_condition(self.names.condition(a.when)),
                    *(self.post_once(c, a.name) for c in a.notify),
                ],
            )
            for a in self.process.announcements
        ]

    def handovers(self) -> list[dict[str, Any]]:
        """A hand-over for a code change moves the ticket to the next tier at once, or, for the priorities that wait
        for a fix window, marks it to wait there (the tier field says where it is going; the status, and so the
        acknowledgement clock, changes when the window opens)."""
        rules = []
        for h in self.process.handovers:
            if h.when != "needs-code-change":
                continue
            condition = (
                f"{in_list(self.fields['tier'], [h.from_tier])} AND {in_list(self.fields['needs_code_change'], [YES])}"
            )
            posts = [self.post_once(c, h.name) for c in h.notify]
            now = [set_fields({self.fields["tier"]: h.to_tier}), transition(self.names.tier_status[h.to_tier]), *posts]
            actions = now
            if h.fix_window:
                later = [set_fields({self.fields["tier"]: h.to_tier}), add_label(self.window_label(h.id)), *posts]
                waiting = in_list("priority", list(h.fix_window.priorities))
                actions = [first_match([(waiting, later), ("", now)])]
            rules.append(
                self.rule(
                    f"handover:{h.id}",
                    f"CEP: {h.name}",
                    h.summary,
                    self.on_fields("needs_code_change"),
                    [jql_condition(condition), *actions],
                )
            )
            if h.fix_window:
                rules.append(self.window_opens(h))
        return rules

    def window_label(self, handover_id: str) -> str:
        return f"cep-window-{handover_id}"

    def window_opens(self, h: Handover) -> dict[str, Any]:
        """Every hour, at the window's minute: when the window opens this hour (a date cep computed from the
        window's calendar, holidays included), the tickets waiting for it enter the tier."""
        window = h.fix_window
        assert window is not None
        calendar = BusinessCalendar(self.process.calendar(window.calendar))
        openings = sorted(
            {
                fix_window_start(datetime.combine(day, time(0), calendar.zone), window.weekday, window.opens, calendar)
                for day in (date(year, 1, 1) + timedelta(days=n) for year in self.years for n in range(0, 366, 7))
                if day.year in self.years
            }
        )
        hours = " ".join(o.strftime("%Y-%m-%dT%H") for o in openings)
        minutes = ",".join(sorted({str(o.minute) for o in openings}, key=int))
        schedule = {"method": "CRON", "rate": 1, "rateInterval": 3600, "cronExpression": f"0 {minutes} * ? * *"}
        label = self.window_label(h.id)
        trigger = _component(
            "TRIGGER",
            SCHEDULED,
            {
                "jql": f"labels = {quote(label)} AND statusCategory != Done",
                "schedule": schedule,
                "onlyUpdatedIssues": False,
            },
        )
        return self.rule(
            f"window:{h.id}",
            f"CEP: {h.name}: the window opens",
            window.summary,
            trigger,
            [
                compare(hours, "CONTAINS", now_in(calendar.zone.key, "yyyy-MM-dd'T'HH")),
                transition(self.names.tier_status[h.to_tier]),
                add_label(label, "REMOVE"),
            ],
        )

    def missing_jql(self, template_id: str) -> str:
        """JQL for a ticket that lacks a field the template requires of it ("" when nothing can be missing)."""
        missing = []
        for f in self.process.template(template_id).fields:
            if f.id in ("category", "urgency", "impact", "priority"):
                continue  # set on every ticket by triage
            if f.required or f.required_when:
                empty = f"{quote(self.names.template_field(f))} is EMPTY"
                when = self.names.condition(f.required_when) if f.required_when else ""
                missing.append(f"({when} AND {empty})" if when else empty)
        return " OR ".join(missing)

    def return_actions(self, template_id: str) -> list[dict[str, Any]]:
        """Back to triage with the list of what the template requires: in the tier field too, so that
        resubmitting routes it again."""
        template = self.process.template(template_id)
        required = ", ".join(f.name for f in template.fields if f.required or f.required_when)
        return [
            set_fields({self.fields["tier"]: self.process.default_route.tier}),
            transition(self.process.jira.returned),
            comment(literal(f"Returned: the {template.name} lacks required fields: {required}")),
        ]

    def return_incomplete(self) -> list[dict[str, Any]]:
        """An escalation moved by hand into a tier without its required fields goes back too."""
        rules = []
        for template_id in dict.fromkeys(t.template for t in self.process.triggers):
            template = self.process.template(template_id)
            missing = self.missing_jql(template_id)
            if not missing:
                continue
            routes = sorted({t.route for t in self.process.triggers if t.template == template_id})
            missed = [self.alert_label(f"missed-{r.id}") for r in self.process.breaches]
            entered = _component(
                "TRIGGER",
                TRANSITIONED,
                {"fromStatus": [], "toStatus": [{"type": "NAME", "value": self.names.tier_status[r]} for r in routes]},
            )
            rules.append(
                self.rule(
                    f"return:{template_id}",
                    f"CEP: return an incomplete {template.name.lower()} to "
                    f"{self.process.tier(template.from_tier).short_name}",
                    f"An escalation that lacks a required field of the {template.name} goes back, with the list.",
                    entered,
                    [jql_condition(f"({missing}) AND {self.not_marked(*missed)}"), *self.return_actions(template_id)],
                )
            )
        return rules

    def alert_label(self, kind: str) -> str:
        return f"cep-alerted-{kind}"

    def not_marked(self, *labels: str) -> str:
        # `labels not in (…)` alone would skip issues with no label at all
        return f"(labels is EMPTY OR labels not in ({', '.join(map(quote, labels))}))"

    def sla_alerts(self, at_risk_jql: str, breached_by_rule: list[tuple[str, str]]) -> dict[str, Any]:
        """Every 15 minutes, each missed goal's rule and each goal at risk alerts once per ticket: the alert
        marks the ticket with a label that its JQL then excludes."""
        risk = self.process.at_risk
        branches = []
        for rule_id, jql in breached_by_rule:
            label = self.alert_label(f"missed-{rule_id}")
            # marked first: a ticket escalated for a missed goal is not one to return for an incomplete hand-over
            branches.append((f"{jql} AND {self.not_marked(label)}", [add_label(label), *self._breach_actions(rule_id)]))
        label = self.alert_label("at-risk")
        branches.append(
            (
                f"{at_risk_jql} AND {self.not_marked(label)}",
                [
                    *(self.post(c, f"At risk ({risk.threshold_percent}% of a goal)") for c in risk.notify),
                    add_label(label),
                ],
            )
        )
        schedule = {"method": "FIXED", "rate": 1, "rateInterval": 900, "cronExpression": ""}  # every 900 s
        trigger = _component(
            "TRIGGER",
            SCHEDULED,
            {"jql": "statusCategory != Done", "schedule": schedule, "onlyUpdatedIssues": False},
        )
        return self.rule("alerts", "CEP: time goals at risk and missed", risk.summary, trigger, [first_match(branches)])

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
