"""The section that puts the process's fields on the project's screens.

Every screen the project's screen schemes use (create, edit, view, default) gets the process's custom fields on
its first tab. The screens are the project's own, made by Jira with the project: cep adds its fields to them and
never removes, moves or replaces anything on them, nor swaps the project's schemes for its own."""

from __future__ import annotations

from collections.abc import Iterator

from .plan import Context, Step


def _screen_ids(ctx: Context) -> list[int]:
    """The ids of the screens the project's issue type screen scheme reaches, in order."""
    found = ctx.site.get("/rest/api/3/issuetypescreenscheme/project", projectId=ctx.project_id)["values"]
    if not found:  # Jira gives every classic project one; a project without one has no screens to add to
        return []
    scheme = found[0]["issueTypeScreenScheme"]["id"]
    mapping = ctx.site.pages("/rest/api/3/issuetypescreenscheme/mapping", issueTypeScreenSchemeId=scheme)
    screen_schemes = sorted({int(m["screenSchemeId"]) for m in mapping})
    if not screen_schemes:
        return []
    schemes = ctx.site.pages("/rest/api/3/screenscheme", id=screen_schemes)
    return sorted({int(screen) for s in schemes for screen in s.get("screens", {}).values()})


def screens(ctx: Context) -> Iterator[Step]:
    wanted = [item["field"]["name"] for item in ctx.bundle["fields"]]
    ids = _screen_ids(ctx)
    names = {s["id"]: s["name"] for s in ctx.site.pages("/rest/api/3/screens", id=ids)} if ids else {}
    for screen in ids:
        tabs = ctx.site.get(f"/rest/api/3/screens/{screen}/tabs")
        if not tabs:
            yield Step("screens", "wait", str(names.get(screen, screen)), "it has no tab: add one by hand")
            continue
        tab = tabs[0]
        path = f"/rest/api/3/screens/{screen}/tabs/{tab['id']}/fields"
        have = {f["id"] for f in ctx.site.get(path)}
        missing = [name for name in wanted if not ctx.id_of("field", name) or ctx.id_of("field", name) not in have]
        label = f"{names.get(screen, screen)} — {tab['name']}"
        if not missing:
            yield Step("screens", "keep", label)
            continue

        def add(path: str = path, missing: list[str] = missing) -> None:
            for name in missing:
                ctx.site.post(path, {"fieldId": ctx.id_of("field", name)})

        yield Step("screens", "attach", label, f"{len(missing)} fields", add)
