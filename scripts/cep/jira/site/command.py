"""`cep jira plan|apply|drift --project KEY`: read the site, say what differs, make it so, or fail when it differs.

Credentials come from JIRA_URL, JIRA_EMAIL and JIRA_API_TOKEN; each channel's incoming-webhook URL from the
variable its placeholder names (SLACK_WEBHOOK_URL_…). None of them is ever printed or written."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from typing import Any

from ...definition.model import Process
from . import catalogue, running, schemes, screens, service_desk
from .client import Site
from .plan import Context, Section, Stopped, differs, render_json, render_text, run

SECTIONS: list[Section] = [
    catalogue.priorities,
    catalogue.issue_types,
    catalogue.statuses,
    catalogue.fields,
    screens.screens,
    schemes.workflow,
    schemes.workflow_scheme,
    schemes.issue_type_scheme,
    schemes.priority_scheme,
    service_desk.request_types,
    service_desk.sla_metrics,
    running.jql,
    running.filters,
    service_desk.queues,
    running.automation,
]


def by_hand(process: Process, bundle: dict[str, Any], project: str, webhooks: Mapping[str, str]) -> list[str]:
    """What no API can do, in the order to do it: JSM's calendars and SLA metrics (before the filters and the
    alert rule that read them), queues, and the webhooks still missing."""
    from ..names import JiraNames

    steps = list(bundle["serviceManagement"]["checklist"][:-1])  # its last step is what `apply` now does
    steps.append(
        "Project settings → Queues: add a queue per filter “CEP …”, named as the filter, with the filter's JQL "
        f"(each is shared with {project})."
    )
    names = JiraNames(process)
    missing = [c.id for c in process.channels if c.id not in webhooks]
    if missing:
        steps.append(
            "Slack: create an incoming webhook for "
            + ", ".join(missing)
            + "; run `cep jira apply` again with "
            + ", ".join(names.placeholder(c) for c in missing)
            + " set, to enable the rules that post there."
        )
    if any(step.startswith("Project settings → SLAs") for step in steps):
        steps.append("Run `cep jira apply` again: the filters that read the SLA fields are made then.")
    return steps


def connect(site: Site, process: Process, project: str, applying: bool, environ: Mapping[str, str]) -> Context:
    from ..names import JiraNames

    names = JiraNames(process)
    webhooks = {
        c.id: environ[names.placeholder(c.id)] for c in process.channels if environ.get(names.placeholder(c.id))
    }
    ctx = Context(site, process, project, applying, webhooks)
    ctx.project_id = str(site.get(f"/rest/api/3/project/{project}")["id"])
    ctx.account_id = site.get("/rest/api/3/myself")["accountId"]
    ctx.cloud_id = site.get("/_edge/tenant_info")["cloudId"]
    return ctx


def jira_site(
    process: Process,
    project: str,
    mode: str,
    output: str = "text",
    *,
    environ: Mapping[str, str] = os.environ,
    transport: Any = None,
) -> int:
    """Run `mode` (plan, apply or drift); returns the exit code."""
    started = time.perf_counter()
    with Site(f"cep jira {mode}", environ=environ, transport=transport) as site:
        ctx = connect(site, process, project, mode == "apply", environ)
        try:
            steps = run(ctx, SECTIONS)
        except Stopped as stop:
            done = [s for s in stop.steps if s.action in ("create", "update", "attach")]
            sys.stdout.write(render_text(stop.steps, [], applied=True))
            sys.stderr.write(
                f"cep jira apply: error: stopped at {stop.failed.section}: {stop.failed.action} {stop.failed.name}: "
                f"{stop.error}\n{len(done)} changes were made before it; nothing after it was. "
                "Run `cep jira apply` again to resume: it reads the site afresh.\n"
            )
            return 1
        items = by_hand(ctx.process, ctx.bundle, ctx.project_key, ctx.webhooks)
        if output == "json":
            sys.stdout.write(render_json(steps, items))
        else:
            sys.stdout.write(render_text(steps, items, applied=mode == "apply"))
            sys.stdout.write(f"{site.writes} writes, {time.perf_counter() - started:.1f} s\n")
    return 1 if mode == "drift" and differs(steps) else 0
