"""The "Process health" page: what `cep check` proves about the routing rules, and what the specification covers."""

from __future__ import annotations

from pathlib import PurePath

from ..analysis.check import Report
from ..definition.model import Process
from . import pages
from .reference import Manual
from .text import attr, esc, table


def process_health(process: Process, report: Report, manual: Manual) -> str:
    if report.errors():
        verdict = f'!!! failure "{report.tally()}"\n\n    The rules need fixing: see below.\n\n'
    elif report.findings:
        verdict = f'!!! warning "{report.tally()}"\n\n    Some triggers overlap: see below.\n\n'
    else:
        verdict = (
            '!!! success "Sound: no errors, no warnings"\n\n'
            "    Every ticket gets a priority and a route, every trigger can fire, and no two triggers compete "
            "for a ticket without the definition saying so.\n\n"
        )
    out = [verdict, "## Findings\n\n"]
    if report.findings:
        rows = [
            [f.severity, f"<code>{attr(PurePath(f.location.file).name)}:{f.location.line}</code>", esc(f.message)]
            for f in report.findings
        ]
        out.append(table(["Severity", "Where", "Finding"], rows) + "\n")
    else:
        out.append("None.\n\n")
    out.append(
        "## What each trigger decides\n\n"
        f"There are {report.ticket_kinds} kinds of ticket at triage: every combination of the fields triggers can "
        "test. Triggers are tried in order and the first that matches decides, so each takes only what the ones "
        "above it left.\n\n"
    )
    rows = [
        [str(n), manual.trigger_link(t.id), _kinds(report.fires.get(t.id), report.ticket_kinds)]
        for n, t in enumerate(process.triggers, start=1)
    ]
    rows.append(["—", "No trigger matches (default route)", _kinds(report.default_route, report.ticket_kinds)])
    out.append(table(["#", "Trigger", "Kinds of ticket it decides"], rows) + "\n")
    out.append(
        "## Covered by the specification\n\n"
        f"Which parts of the process a scenario on the {manual.link(pages.VERIFIED, 'Verified behaviour')} page "
        "exercises.\n\n"
    )
    rows = []
    for kind, covered in report.coverage.covered.items():
        missing = report.coverage.uncovered[kind]
        rows.append(
            [
                esc(kind.capitalize()),
                f"{len(covered)} of {len(covered) + len(missing)}",
                ", ".join(f"<code>{attr(m)}</code>" for m in missing) or "—",
            ]
        )
    out.append(table(["Part of the process", "Exercised", "Not exercised yet"], rows))
    if report.coverage.no_answer_depends:
        out.append(
            "\nA condition value counts as exercised when a scenario's answer depends on it: a ticket differing "
            "only in that value would get another route or other channels. No answer depends on these, as another "
            "trigger answers alike, so no scenario can show them: "
            + ", ".join(f"<code>{attr(v)}</code>" for v in report.coverage.no_answer_depends)
            + ".\n"
        )
    return "".join(out)


def _kinds(count: int | None, total: int) -> str:
    if count is None:
        return "too fragmented to count"
    return f"{count} ({count / total:.0%})"
