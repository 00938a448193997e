"""Sections for Jira Service Management: request types (its API can create them), and what it can only read
back — the SLA metrics and the queues, which an admin makes by hand from the checklist. Those are planned as
`wait` until they exist, so `drift` keeps saying so until the checklist is done."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..service_management import sla_name
from .plan import Context, Step

DESK = "/rest/servicedeskapi/servicedesk"
EXPERIMENTAL = {"X-ExperimentalApi": "opt-in"}  # creating a request type is marked experimental by Atlassian


def _desk(ctx: Context) -> str:
    if not ctx.desk_id:
        desk = next((d for d in ctx.site.desk_pages(DESK) if d.get("projectKey") == ctx.project_key), None)
        ctx.desk_id = str(desk["id"]) if desk else ""
    return ctx.desk_id


def request_types(ctx: Context) -> Iterator[Step]:
    """A request type for each issue type a customer raises (those with no hand-over template)."""
    desk = _desk(ctx)
    customer_types = [t for t in ctx.process.jira.issue_types if not t.template]
    if not desk:
        for t in customer_types:
            yield Step("request types", "wait", t.name, f"{ctx.project_key} is not a service project")
        return
    live = {r["name"]: r for r in ctx.site.desk_pages(f"{DESK}/{desk}/requesttype")}
    for t in customer_types:
        found = live.get(t.name)
        if found is None:

            def create(name: str = t.name, description: str = t.summary) -> None:
                body = {"name": name, "description": description, "issueTypeId": ctx.id_of("issuetype", name)}
                ctx.site.request("POST", f"{DESK}/{desk}/requesttype", json=body, headers=EXPERIMENTAL)

            yield Step("request types", "create", t.name, f"for issue type {t.name}", create)
        elif str(found.get("issueTypeId")) != ctx.id_of("issuetype", t.name):
            yield Step("request types", "wait", t.name, f"it raises another issue type: make it raise {t.name}")
        else:
            yield Step("request types", "keep", t.name)


def sla_metrics(ctx: Context) -> Iterator[Step]:
    """Each SLA metric exists once JSM has made its field; its goals and calendar are read by no public API."""
    for clock in ctx.process.clocks:
        name = sla_name(ctx.process, clock)
        if name in ctx.custom_fields:
            yield Step("SLA metrics", "keep", name, "exists (its goals are checked by hand)")
        else:
            yield Step("SLA metrics", "wait", name, "create it by hand (see the checklist)")


def queues(ctx: Context) -> Iterator[Step]:
    desk = _desk(ctx)
    live: dict[str, dict[str, Any]] = {}
    if desk:
        live = {q["name"]: q for q in ctx.site.desk_pages(f"{DESK}/{desk}/queue")}
    for body in ctx.bundle["filters"]:
        name, jql = body["name"], ctx.scoped(body["jql"])
        found = live.get(name)
        if found is None:
            yield Step("queues", "wait", name, "add it by hand (see the checklist)")
        elif found.get("jql") != jql:
            yield Step("queues", "wait", name, f"its JQL differs: set it by hand to {jql}")
        else:
            yield Step("queues", "keep", name)
