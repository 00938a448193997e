"""How the process's fields, values, channels and conditions are named in Jira, and written as JQL."""

from __future__ import annotations

import re
import uuid
from typing import Any

from ..definition.model import Condition, Process, TemplateField
from .jql import in_list, quote

YES, NO = "Yes", "No"
# Template fields Jira already has as system fields (their JQL names).
SYSTEM_FIELDS = {
    "summary": "summary",
    "description": "description",
    "environment": "environment",
    "attachments": "attachment",
    "priority": "priority",
}
_NAMESPACE = uuid.UUID("5b0f2a43-6c4f-4b6e-9d1a-6f3c0e8a7b21")  # fixed: references are the same on every run


class JiraNames:
    """Jira names of one process's custom fields, statuses and webhook placeholders."""

    def __init__(self, process: Process) -> None:
        self.process = process
        prefix = process.jira.field_prefix
        self.fields = {
            "category": f"{prefix}category",
            "urgency": f"{prefix}urgency",
            "impact": f"{prefix}impact",
            "reproduced": f"{prefix}reproduced",
            "tier": f"{prefix}tier",
            "trigger": f"{prefix}escalation trigger",
            "needs_code_change": f"{prefix}needs code change",
        }
        self.domains = process.domains()
        self.tier_status = {t.id: t.status for t in process.tiers}

    def template_field(self, field: TemplateField) -> str:
        """The Jira field a template field is written in: a system field, one of ours, or its own."""
        return SYSTEM_FIELDS.get(field.id) or self.fields.get(field.id) or field.name

    def status_reference(self, key: str) -> str:
        """A client-chosen status reference, derived from the process id so that it never changes by itself."""
        return str(uuid.uuid5(_NAMESPACE, f"{self.process.meta.id}:status:{key}"))

    def placeholder(self, channel: str) -> str:
        return "SLACK_WEBHOOK_URL_" + re.sub(r"[^A-Z0-9]+", "_", channel.upper()).strip("_")

    def ordered(self, key: str, values: frozenset[Any]) -> list[Any]:
        order = list(self.domains[key])
        return sorted(values, key=lambda v: order.index(v) if v in order else len(order))

    def condition(self, condition: Condition) -> str:
        """A trigger or announcement condition as JQL over the process's fields."""
        parts = []
        for key, values in condition.terms:
            if key == "reproduced":
                field = quote(self.fields["reproduced"])
                flags = set(values)
                if flags == {True, False}:
                    continue
                # An empty "reproduced" means Tier 1 has not reproduced it.
                parts.append(
                    f"{field} = {quote(YES)}" if flags == {True} else f"({field} = {quote(NO)} OR {field} is EMPTY)"
                )
            elif key == "priority":
                parts.append(in_list("priority", self.ordered(key, values)))
            else:
                parts.append(in_list(self.fields[key], self.ordered(key, values)))
        return " AND ".join(parts)
