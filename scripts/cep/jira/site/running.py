"""Sections for what runs on the site: every query, checked first by Jira's own parser; filters shared with the
project (those that read SLA fields wait until the SLA metrics exist); and the automation rules, found again by
their uuid, scoped to the project, acting as the admin who applies them, and enabled only once every webhook URL
they post to is known."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

from ..automation import CHANNEL_HEADER, JQL_CONDITION, WEB_REQUEST
from ..service_management import sla_name
from .plan import Context, Step

_VOLATILE = ("created", "updated", "id", "authorAccountId", "collaborators")  # what Jira adds to a rule it stores


def _missing_slas(ctx: Context, jql: str) -> list[str]:
    """The SLA metrics a query reads that the site does not have yet."""
    slas = [sla_name(ctx.process, clock) for clock in ctx.process.clocks]
    return [s for s in slas if f'"{s}"' in jql and s not in ctx.custom_fields]


def _queries(ctx: Context) -> dict[str, str]:
    """Every query `apply` writes, by where it is written: filters, and the rules' triggers and conditions."""
    queries = {f"filter {f['name']}": ctx.scoped(f["jql"]) for f in ctx.bundle["filters"]}
    for item in ctx.bundle["automation"]:
        queries |= _rule_queries(ctx, item["rule"])
    return queries


def _rule_queries(ctx: Context, rule: dict[str, Any]) -> dict[str, str]:
    queries = {}
    if "jql" in rule["trigger"]["value"]:
        queries[f"rule {rule['name']} — trigger"] = ctx.scoped(rule["trigger"]["value"]["jql"])
    conditions = [c for top in rule["components"] for c in _all(top) if c.get("type") == JQL_CONDITION]
    for n, condition in enumerate(conditions, start=1):
        queries[f"rule {rule['name']} — condition {n}"] = condition["value"]
    return queries


def jql(ctx: Context) -> Iterator[Step]:
    """Jira's own parser checks every query once the fields it names exist; a refused query is not written."""
    fields = [item["field"]["name"] for item in ctx.bundle["fields"]]
    queries = {k: q for k, q in _queries(ctx).items() if not _missing_slas(ctx, q)}
    if not all(ctx.id_of("field", name) for name in fields):
        yield Step("JQL", "check", f"{len(queries)} queries", "checked by Jira once the fields exist")
        return
    answer = ctx.site.post("/rest/api/3/jql/parse", {"queries": list(queries.values())}, validation="strict")
    for (where, query), parsed in zip(queries.items(), answer["queries"], strict=True):
        if parsed.get("errors"):
            ctx.refused_jql.add(query)
            yield Step("JQL", "wait", where, "Jira refused it: " + "; ".join(parsed["errors"]))
    yield Step("JQL", "check", f"{len(queries)} queries", "checked by Jira's jql/parse")


def filters(ctx: Context) -> Iterator[Step]:
    share = [{"type": "project", "project": {"id": str(ctx.project_id)}}]
    for body in ctx.bundle["filters"]:
        name = body["name"]
        body = {**body, "jql": ctx.scoped(body["jql"]), "sharePermissions": share}
        needs = _missing_slas(ctx, body["jql"])
        if needs:
            yield Step("filters", "wait", name, f"reads {', '.join(needs)}: create the SLA metrics first (by hand)")
            continue
        if body["jql"] in ctx.refused_jql:
            yield Step("filters", "wait", name, "Jira refused its JQL (see above)")
            continue
        found = next(
            (
                f
                for f in ctx.site.pages(
                    "/rest/api/3/filter/search", filterName=name, expand="description,jql,sharePermissions"
                )
                if f["name"] == name
            ),
            None,
        )
        if found is None:
            yield Step("filters", "create", name, perform=lambda b=body: ctx.site.post("/rest/api/3/filter", b))
            continue
        wrong = [k for k in ("jql", "description", "sharePermissions") if _plain(found.get(k)) != _plain(body[k])]
        if wrong:
            path = f"/rest/api/3/filter/{found['id']}"
            yield Step("filters", "update", name, ", ".join(wrong), lambda p=path, b=body: ctx.site.put(p, b))
        else:
            yield Step("filters", "keep", name)


def _plain(value: Any) -> Any:
    """A share permission as compared: its type and project id only (Jira adds the rest)."""
    if isinstance(value, list):
        return sorted((p.get("type"), str(p.get("project", {}).get("id", ""))) for p in value)
    return value


def _all(component: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A component and every component inside it."""
    yield component
    for child in component.get("children", []) + component.get("conditions", []):
        yield from _all(child)


def _web_requests(component: dict[str, Any]) -> Iterator[dict[str, Any]]:
    return (c for c in _all(component) if c.get("type") == WEB_REQUEST)


def _channel(request: dict[str, Any]) -> str:
    return next((h["value"] for h in request["value"]["headers"] if h["name"] == CHANNEL_HEADER), "")


def site_rule(ctx: Context, rule: dict[str, Any], urls: dict[str, str]) -> dict[str, Any]:
    """The bundle's rule as it is put on the site."""
    rule = copy.deepcopy(rule)
    scope = f"ari:cloud:jira:{ctx.cloud_id}:project/{ctx.project_id}"
    rule.update(
        ruleScopeARIs=[scope],
        actor={"type": "ACCOUNT_ID", "actor": ctx.account_id},
    )
    trigger = rule["trigger"]
    if "eventFilters" in trigger["value"]:
        trigger["value"]["eventFilters"] = [scope]
    if "jql" in trigger["value"]:
        trigger["value"]["jql"] = ctx.scoped(trigger["value"]["jql"])
    requests = [r for c in rule["components"] for r in _web_requests(c)]
    for request in requests:
        request["value"]["url"] = urls.get(_channel(request), request["value"]["url"])
    rule["state"] = "ENABLED" if all(_channel(r) in urls for r in requests) else "DISABLED"
    return rule


def _comparable(rule: dict[str, Any]) -> Any:
    """A rule without what Jira adds (ids, times, author), for comparing what is there with what is wanted."""
    if isinstance(rule, dict):
        return {k: _comparable(v) for k, v in sorted(rule.items()) if k not in _VOLATILE}
    if isinstance(rule, list):
        return [_comparable(v) for v in rule]
    return rule


def automation(ctx: Context) -> Iterator[Step]:
    base = f"/gateway/api/automation/public/jira/{ctx.cloud_id}/rest/v1"
    for item in ctx.bundle["automation"]:
        uuid, name = item["rule"]["uuid"], item["rule"]["name"]
        if ctx.refused_jql & set(_rule_queries(ctx, item["rule"]).values()):
            yield Step("automation", "wait", name, "Jira refused its JQL (see above)")
            continue
        live = ctx.site.request("GET", f"{base}/rule/{uuid}", missing_ok=True)
        urls = dict(ctx.webhooks)
        for request in (r for c in (live or {}).get("rule", {}).get("components", []) for r in _web_requests(c)):
            url = request["value"]["url"]
            if re.match(r"https://", url):  # given at an earlier apply: kept, never asked for again
                urls.setdefault(_channel(request), url)
        wanted = site_rule(ctx, item["rule"], urls)
        state = "enabled" if wanted["state"] == "ENABLED" else "disabled until its webhook URLs are given"
        if live is None:
            body = {"rule": wanted, "connections": []}
            yield Step("automation", "create", name, state, lambda b=body: ctx.site.post(f"{base}/rule", b))
        elif _comparable(live["rule"]) != _comparable(wanted):
            change = {"rule": {k: v for k, v in wanted.items() if k != "uuid"}, "connections": []}
            path = f"{base}/rule/{uuid}"
            yield Step("automation", "update", name, state, lambda p=path, b=change: ctx.site.put(p, b))
        else:
            yield Step("automation", "keep", name, "" if wanted["state"] == "ENABLED" else state)
