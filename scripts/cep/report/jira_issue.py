"""Ticket histories written in Jira's own format — issues of a `POST /rest/api/3/search/jql` page with
`expand: "names,changelog"` — as a site configured from the process would hold them. `cep simulate` writes its
histories with this, so that `cep report` reads simulated load exactly as it reads a real site's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..definition.model import Process
from ..jira.names import SYSTEM_FIELDS, JiraNames

SELECT_FIELDS = ("category", "urgency", "impact", "reproduced", "tier", "trigger", "needs_code_change")


def jira_time(moment: datetime) -> str:
    """A moment as Jira's REST API writes one: milliseconds, and the offset without a colon."""
    text = moment.isoformat(timespec="milliseconds")
    return text[:-3] + text[-2:]  # +02:00 → +0200


class SiteFields:
    """The custom fields of a site configured from the process, each with a stable `customfield_…` id; `names` is
    what a search page's `names` holds for them."""

    def __init__(self, process: Process) -> None:
        self.jira = JiraNames(process)
        self.selects = {self.jira.fields[kind] for kind in SELECT_FIELDS}
        texts = {self.jira.template_field(f) for t in process.templates for f in t.fields}
        custom = [self.jira.fields[kind] for kind in SELECT_FIELDS]
        custom += sorted(texts - set(custom) - set(SYSTEM_FIELDS.values()))
        self.ids = {name: f"customfield_{10000 + i}" for i, name in enumerate(custom)}
        self.names = {field_id: name for name, field_id in self.ids.items()}

    def page(self, issues: list[dict[str, Any]]) -> dict[str, Any]:
        return {"isLast": True, "issues": issues, "names": self.names}


class IssueBuilder:
    """One issue: its fields as they are now and the changelog that led there, in the order things happened.
    Changes are kept as tuples and written in Jira's shape only by `issue()`: a simulation records many."""

    def __init__(self, site: SiteFields, key: str, created: datetime, fields: dict[str, Any]) -> None:
        self.site, self.key = site, key
        self.created = created
        self.values: dict[str, Any] = dict(fields)  # by name: ours, and Jira's system fields by id
        self.changes: list[tuple[datetime, str, Any, Any]] = []  # when, field, from, to
        self.comments: list[tuple[datetime, str, bool]] = []
        self.resolved: datetime | None = None

    def change(self, when: datetime, field: str, value: str | None) -> None:
        """Set `field` (a name of ours, or status, priority, assignee) to `value` at `when`, as a changelog entry."""
        self.changes.append((when, field, self.values.get(field), value))
        self.values[field] = value

    def comment(self, when: datetime, author: str, public: bool = True) -> None:
        self.comments.append((when, author, public))

    def resolve(self, when: datetime, status: str) -> None:
        self.change(when, "status", status)
        self.resolved = when

    def _value(self, name: str, value: Any) -> Any:
        if value is None:
            return None
        if name in ("status", "priority"):
            return {"name": value}
        if name == "assignee":
            return {"accountId": value}
        return {"value": value} if name in self.site.selects else value

    def _history(self, number: int, when: datetime, field: str, old: Any, new: Any) -> dict[str, Any]:
        item = {"field": field, "fieldtype": "custom" if field in self.site.ids else "jira"}
        item.update({k: v for k, v in (("fromString", old), ("toString", new)) if v is not None})  # absent: empty
        return {"id": str(number), "created": jira_time(when), "items": [item]}

    def issue(self) -> dict[str, Any]:
        comments = [
            {"author": {"accountId": author}, "created": jira_time(when), "jsdPublic": public}
            for when, author, public in self.comments
        ]
        histories = [self._history(n, *change) for n, change in enumerate(self.changes, start=1)]
        fields: dict[str, Any] = {
            "created": jira_time(self.created),
            "resolutiondate": jira_time(self.resolved) if self.resolved else None,
            "comment": {"comments": comments, "total": len(comments)},
        }
        for name, value in self.values.items():
            fields[self.site.ids.get(name, name)] = self._value(name, value)
        return {
            "key": self.key,
            "fields": fields,
            "changelog": {"histories": histories, "startAt": 0, "maxResults": len(histories), "total": len(histories)},
        }
