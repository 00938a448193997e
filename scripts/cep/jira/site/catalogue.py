"""Sections for the site's catalogue: priorities, issue types, statuses and custom fields (with the project's
context, options and the tier's default). Each is matched by name; a status Jira already has (JSM's own
"Resolved", say) is reused, never created again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .plan import Context, Step

# Jira's own priority icons (the spec's enumeration): a priority needs an icon or an avatar.
ICONS = ("highest", "high", "medium", "low", "lowest")


def _by_name(
    ctx: Context,
    section: str,
    kind: str,
    path: str,
    live: list[dict[str, Any]],
    bodies: list[dict[str, Any]],
    compared: tuple[str, ...],
) -> Iterator[Step]:
    """Create what the site lacks (POST `path`), update what differs in `compared` (PUT `path`/id), keep the rest."""
    found_by_name = {item["name"]: item for item in live}
    for body in bodies:
        name, found = body["name"], found_by_name.get(body["name"])
        if found is None:

            def create(body: dict[str, Any] = body) -> None:
                ctx.found(kind, body["name"], ctx.site.post(path, body)["id"])

            yield Step(section, "create", name, perform=create)
            continue
        ctx.found(kind, name, found["id"])
        wrong = [k for k in compared if found.get(k) != body[k]]
        if wrong:
            change, target = {k: body[k] for k in compared}, f"{path}/{found['id']}"
            yield Step(section, "update", name, ", ".join(wrong), lambda t=target, c=change: ctx.site.put(t, c))
        else:
            yield Step(section, "keep", name)


def priorities(ctx: Context) -> Iterator[Step]:
    bodies = [
        {**body, "iconUrl": f"/images/icons/priorities/{ICONS[min(n, len(ICONS) - 1)]}.png"}
        for n, body in enumerate(ctx.bundle["priorities"])
    ]
    live = list(ctx.site.pages("/rest/api/3/priority/search"))
    yield from _by_name(
        ctx, "priorities", "priority", "/rest/api/3/priority", live, bodies, ("description", "statusColor")
    )


def issue_types(ctx: Context) -> Iterator[Step]:
    live = ctx.site.get("/rest/api/3/issuetype")
    bodies = ctx.bundle["issueTypes"]
    yield from _by_name(ctx, "issue types", "issuetype", "/rest/api/3/issuetype", live, bodies, ("description",))


def statuses(ctx: Context) -> Iterator[Step]:
    live = {s["name"].casefold(): s for s in ctx.site.pages("/rest/api/3/statuses/search")}
    wanted = ctx.bundle["statuses"][0]["statuses"]
    missing = []
    for status in wanted:
        found = live.get(status["name"].casefold())
        if found is None:
            missing.append(status)
            continue
        ctx.found("status", status["name"], found["id"])
        same = found.get("statusCategory") == status["statusCategory"]
        yield Step(
            "statuses",
            "keep",
            status["name"],
            "" if same else f"reused as it is (its category is {found.get('statusCategory')})",
        )
    if missing:

        def create() -> None:
            made = ctx.site.post("/rest/api/3/statuses", {"scope": {"type": "GLOBAL"}, "statuses": missing})
            for status in made:
                ctx.found("status", status["name"], status["id"])

        for n, status in enumerate(missing):
            yield Step("statuses", "create", status["name"], perform=create if n == 0 else None)


def fields(ctx: Context) -> Iterator[Step]:
    """Each field, its context (the default one, scoped to the project), its options, and the tier's default."""
    live: dict[str, list[dict[str, Any]]] = {}
    for f in ctx.site.pages("/rest/api/3/field/search", type="custom"):
        live.setdefault(f["name"], []).append(f)
    ctx.custom_fields = set(live)
    triage = ctx.process.default_route.tier
    tier_field = ctx.writer.names.fields["tier"]
    for item in ctx.bundle["fields"]:
        body = item["field"]
        name = body["name"]
        matches = [f for f in live.get(name, []) if f.get("schema", {}).get("custom") == body["type"]]
        if len(matches) > 1:
            yield Step("fields", "wait", name, f"{len(matches)} fields have this name: keep one, then apply again")
            continue
        if matches:
            ctx.found("field", name, matches[0]["id"])
            yield Step("fields", "keep", name)
        else:

            def create(body: dict[str, Any] = body) -> None:
                ctx.found("field", body["name"], ctx.site.post("/rest/api/3/field", body)["id"])

            yield Step("fields", "create", name, perform=create)
        yield from _context(ctx, name, [o["value"] for o in item.get("options", {}).get("options", [])])
        if name == tier_field:
            yield from _default(ctx, name, triage)


def _context(ctx: Context, name: str, options: list[str]) -> Iterator[Step]:
    field_id = ctx.id_of("field", name)
    contexts = list(ctx.site.pages(f"/rest/api/3/field/{field_id}/context")) if field_id else []
    context = contexts[0] if contexts else None  # Jira makes a default context with every field
    label = f"{name} — context"
    if context is None or context.get("isGlobalContext", False):

        def scope() -> None:
            fid = ctx.id_of("field", name)
            first = next(iter(ctx.site.pages(f"/rest/api/3/field/{fid}/context")))
            ctx.found("context", name, first["id"])
            ctx.site.put(f"/rest/api/3/field/{fid}/context/{first['id']}/project", {"projectIds": [ctx.project_id]})

        yield Step("fields", "attach", label, f"the default context, scoped to project {ctx.project_key}", scope)
    else:
        ctx.found("context", name, context["id"])
        yield Step("fields", "keep", label)
    context_id = ctx.id_of("context", name)
    live: list[dict[str, Any]] = []
    if field_id and context_id:
        live = list(ctx.site.pages(f"/rest/api/3/field/{field_id}/context/{context_id}/option"))
    have = {o["value"]: o["id"] for o in live}
    for value, option_id in have.items():
        ctx.found("option", f"{name}={value}", option_id)
    missing = [v for v in options if v not in have]
    if missing:

        def add() -> None:
            path = f"/rest/api/3/field/{ctx.id_of('field', name)}/context/{ctx.id_of('context', name)}/option"
            made = ctx.site.post(path, {"options": [{"value": v} for v in missing]})
            for option in made["options"]:
                ctx.found("option", f"{name}={option['value']}", option["id"])

        yield Step("fields", "create", f"{name} — options", ", ".join(missing), add)
    elif options:
        yield Step("fields", "keep", f"{name} — options")
    extra = [v for v in have if v not in options]
    if extra:
        yield Step("fields", "extra", f"{name} — options", ", ".join(extra) + " (not in the definition; left alone)")


def _default(ctx: Context, name: str, value: str) -> Iterator[Step]:
    field_id, context_id = ctx.id_of("field", name), ctx.id_of("context", name)
    current = None
    if field_id and context_id:
        defaults = ctx.site.pages(f"/rest/api/3/field/{field_id}/context/defaultValue", contextId=context_id)
        current = next((d.get("optionId") for d in defaults if d.get("contextId") == context_id), None)
    option = ctx.id_of("option", f"{name}={value}")
    if option and current == option:
        yield Step("fields", "keep", f"{name} — default {value}")
        return

    def set_default() -> None:
        body = {
            "defaultValues": [
                {
                    "contextId": ctx.id_of("context", name),
                    "optionId": ctx.id_of("option", f"{name}={value}"),
                    "type": "option.single",
                }
            ]
        }
        ctx.site.put(f"/rest/api/3/field/{ctx.id_of('field', name)}/context/defaultValue", body)

    yield Step(
        "fields", "update" if current else "create", f"{name} — default {value}", "a new ticket's tier", set_default
    )
