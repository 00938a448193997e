"""A plan: what `apply` would create, update or leave on the site, section by section, and its running.

Each section reads the live site and yields steps in dependency order. When applying, a step is performed as soon
as it is yielded, so that the ids it makes are there for the steps after it; a failure stops the run and says what
was done and what was not (the next `apply` reads the site again and resumes). When planning, nothing is written,
and objects still to be made have no id (`NEW`), so what hangs on them is planned as new too.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ...definition.model import Process
from ..bundle import _Bundle
from ..jql import scoped
from .client import JiraError, Site

NEW = ""  # the id of an object not made yet
CHANGES = ("create", "update", "attach")  # what `apply` writes
# wait: held back until a step by hand is done; extra: on the site, not in the definition, left alone;
# check: a check by Jira that passed (or runs once what it needs exists): neither a change nor a difference


@dataclass
class Step:
    section: str
    action: str  # create | update | attach | keep | wait | extra | check
    name: str
    detail: str = ""
    perform: Callable[[], None] | None = field(default=None, repr=False)

    def as_json(self) -> dict[str, str]:
        return {"section": self.section, "action": self.action, "name": self.name, "detail": self.detail}


@dataclass
class Context:
    """What the sections share: the site, the process, the project, and the ids found or made so far."""

    site: Site
    process: Process
    project_key: str
    applying: bool
    webhooks: dict[str, str]  # channel id → incoming-webhook URL, from the environment
    bundle: dict[str, Any] = field(init=False)
    writer: _Bundle = field(init=False)
    project_id: str = ""
    cloud_id: str = ""
    account_id: str = ""
    desk_id: str = ""  # the service desk of the project, once looked up
    ids: dict[str, dict[str, str]] = field(default_factory=dict)  # kind → name → id
    custom_fields: set[str] = field(default_factory=set)  # names of the custom fields on the site, JSM's SLAs too
    refused_jql: set[str] = field(default_factory=set)  # queries Jira's parser refused: not written

    def __post_init__(self) -> None:
        from ...output import build_year

        year = build_year()
        self.writer = _Bundle(self.process, [year, year + 1])
        self.bundle = self.writer.build()

    def scoped(self, jql: str) -> str:
        """A query limited to the project."""
        return scoped(self.project_key, jql)

    def id_of(self, kind: str, name: str) -> str:
        return self.ids.get(kind, {}).get(name, NEW)

    def found(self, kind: str, name: str, id_: str) -> None:
        self.ids.setdefault(kind, {})[name] = str(id_)


class Stopped(Exception):
    """`apply` stopped at a failed step; `steps` holds what was done before it."""

    def __init__(self, steps: list[Step], failed: Step, error: JiraError) -> None:
        super().__init__(str(error))
        self.steps, self.failed, self.error = steps, failed, error


Section = Callable[[Context], Iterator[Step]]


def run(context: Context, sections: list[Section]) -> list[Step]:
    """Every step of every section; when applying, each change is made as it comes."""
    steps: list[Step] = []
    for section in sections:
        for step in section(context):
            if context.applying and step.perform is not None and step.action in CHANGES:
                try:
                    step.perform()
                except JiraError as error:
                    raise Stopped(steps, step, error) from None
            steps.append(step)
    return steps


def differs(steps: list[Step]) -> bool:
    return any(step.action not in ("keep", "check") for step in steps)


def render_text(steps: list[Step], checklist: list[str], applied: bool) -> str:
    lines: list[str] = []
    sections = list(dict.fromkeys(step.section for step in steps))
    for section in sections:
        own = [s for s in steps if s.section == section]
        counts = Counter(s.action for s in own)
        lines.append(f"{section}: " + ", ".join(f"{n} {a}" for a, n in sorted(counts.items())))
        for s in own:
            if s.action != "keep":
                verb = {"create": "created", "update": "updated", "attach": "attached"}.get(s.action, s.action)
                shown = verb if applied and s.action in CHANGES else s.action
                lines.append(f"  {shown:8} {s.name}" + (f": {s.detail}" if s.detail else ""))
    total = Counter(s.action for s in steps)
    lines.append(
        "total: "
        + ", ".join(f"{n} {a}" for a, n in sorted(total.items()))
        + ("" if differs(steps) else " — the site matches the definition")
    )
    if checklist:
        lines.append(f"by hand ({len(checklist)} steps, in this order):")
        lines += [f"  {n}. {item}" for n, item in enumerate(checklist, start=1)]
    return "\n".join(lines) + "\n"


def render_json(steps: list[Step], checklist: list[str]) -> str:
    total = Counter(s.action for s in steps)
    document = {
        "steps": [s.as_json() for s in steps],
        "total": dict(sorted(total.items())),
        "differs": differs(steps),
        "byHand": checklist,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
