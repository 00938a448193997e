"""The `cep diff` report: Markdown in the manual's words (for a pull request's summary and the changelog), or JSON."""

from __future__ import annotations

import html
import json
import re
from dataclasses import asdict
from typing import Any

from ..manual.text import table
from . import ProcessDiff
from .behaviour import Outcome
from .bundle import JsonChange
from .definition import Change

JIRA_LISTED = 25  # bundle changes listed one by one; the rest are counted
_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def esc(text: object) -> str:
    """Text from a definition, safe in Markdown (a job summary renders HTML) yet readable in a terminal."""
    return _SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def headline(diff: ProcessDiff) -> str:
    """One sentence: versions and how much changed."""
    b = diff.behaviour
    versions = (
        f"Version {esc(diff.old.meta.version)} → {esc(diff.new.meta.version)}"
        if diff.old.meta.version != diff.new.meta.version
        else f"Version {esc(diff.new.meta.version)} (unchanged)"
    )
    if diff.empty:
        return f"{versions}. No changes: both definitions describe the same process."
    return (
        f"{versions}. {_plural(len(diff.definition), 'change')} to the definition; "
        f"{b.changed} of {b.kinds} kinds of ticket now get a different priority, route or notification; "
        f"{_plural(len(diff.jira), 'change')} in the Jira bundle."
    )


def _what_changes(diff: ProcessDiff, old: Outcome, new: Outcome) -> str:
    """Only the parts of the outcome that differ, in the manual's names."""
    tiers = {t.id: t.name for t in (*diff.old.tiers, *diff.new.tiers)}

    def channels(notify: tuple[str, ...]) -> str:
        return ", ".join(f"`{c}`" for c in notify) or "no channel"

    parts = []
    if old.priority != new.priority:
        parts.append(f"priority {esc(old.priority)} → {esc(new.priority)}")
    if old.route != new.route:
        before, after = (esc(tiers.get(r, r)) for r in (old.route, new.route))
        parts.append(f"goes to {after} instead of {before}")
    if old.notify != new.notify:
        parts.append(f"notifies {channels(new.notify)} instead of {channels(old.notify)}")
    return "; ".join(parts)


def _ticket(example: dict[str, Any]) -> str:
    reproduced = "reproduced" if example["reproduced"] else "not reproduced"
    return esc(f"{example['category']}, {example['urgency']} urgency, {example['impact']} impact, {reproduced}")


def _definition(changes: list[Change]) -> str:
    out, section = [], None
    for change in changes:
        if change.section != section:
            section = change.section
            out.append(f"\n#### {esc(section)}\n\n")
        out.append(f"- {esc(str(change))}\n")
    return "".join(out)


def changes_list(changes: list[Change]) -> str:
    """The definition's changes as one bullet each, the section first."""
    return "".join(f"- **{esc(c.section)}**: {esc(str(c))}\n" for c in changes)


def render_markdown(diff: ProcessDiff) -> str:
    out = [f"## Process changes: `{diff.old_source}` → `{diff.new_source}`\n\n", headline(diff), "\n\n"]
    out += [f"> **Warning:** {esc(w)}\n\n" for w in diff.warnings]
    if diff.empty:
        return "".join(out)
    if diff.definition:
        out.append("### What changed in the definition\n" + _definition(diff.definition) + "\n")
    b = diff.behaviour
    out.append(
        f"### What changes for tickets\n\n{b.kinds - b.changed} of {b.kinds} kinds of ticket get the same priority, "
        "route and notifications as before.\n\n"
    )
    if b.shifts:
        grouped: dict[str, list[Any]] = {}  # what changes → [kinds, an example]
        for shift in b.shifts:  # most kinds first, so the first example is the most common case
            group = grouped.setdefault(_what_changes(diff, shift.old, shift.new), [0, shift.example])
            group[0] += shift.count
        rows = [[str(n), what, _ticket(example)] for what, (n, example) in grouped.items()]
        out.append(table(["Kinds of ticket", "What changes", "For example"], rows) + "\n")
    for side, values in (("old", b.only_old), ("new", b.only_new)):
        for name, only in values.items():
            out.append(f"Only the {side} definition has {esc(name)} {esc(', '.join(map(str, only)))}.\n\n")
    if diff.jira:
        out.append(f"### What changes in the Jira bundle\n\n{_plural(len(diff.jira), 'change')}:\n\n")
        for change in diff.jira[:JIRA_LISTED]:
            out.append(f"- {change.kind}: `{change.path}`{_values(change)}\n")
        if len(diff.jira) > JIRA_LISTED:
            out.append(f"- … and {len(diff.jira) - JIRA_LISTED} more\n")
    return "".join(out)


def _values(change: JsonChange) -> str:
    if change.kind != "changed" or isinstance(change.old, dict | list) or isinstance(change.new, dict | list):
        return ""
    shown = [json.dumps(v, ensure_ascii=False) for v in (change.old, change.new)]
    if max(map(len, shown)) > 60:
        return ""
    return f": {esc(shown[0])} → {esc(shown[1])}"


def render_json(diff: ProcessDiff) -> str:
    b = diff.behaviour
    data = {
        "old": {"source": diff.old_source, "version": diff.old.meta.version},
        "new": {"source": diff.new_source, "version": diff.new.meta.version},
        "warnings": diff.warnings,
        "definition": [{**asdict(c), "text": str(c)} for c in diff.definition],
        "behaviour": {
            "kinds": b.kinds,
            "changed": b.changed,
            "unchanged": b.kinds - b.changed,
            "only_old": b.only_old,
            "only_new": b.only_new,
            "shifts": [asdict(s) for s in b.shifts],
        },
        "jira": [asdict(c) for c in diff.jira],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
