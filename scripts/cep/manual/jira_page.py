"""The "Apply the Jira configuration" page: what `cep jira apply` does, section by section, what is left to do by
hand, and the bundle's sections and values, all rendered from the bundle."""

from __future__ import annotations

from typing import Any

from .text import code, esc, numbered, table

_ORDER = ("priorities", "issueTypes", "fields", "statuses", "workflows", "filters", "automation")
_WHAT = {
    "priorities": "the priorities, with their colours",
    "issueTypes": "the issue types",
    "fields": "the custom fields, each with a context and, for selects, its options",
    "statuses": "the statuses that mirror the tiers",
    "workflows": "the workflow and the transitions the process allows",
    "filters": "one queue per tier, and the at-risk and missed views",
    "automation": "the automation rules (after the fields and statuses they use exist)",
}


def _plan_rows(bundle: dict[str, Any], customer_types: int, clocks: int) -> list[tuple[str, int | str, str]]:
    """(section, how many, what `apply` does), in the order `cep jira apply` goes."""
    return [
        ("priorities", len(bundle["priorities"]), "created, or updated when their colour or description differ"),
        ("issue types", len(bundle["issueTypes"]), "created, or updated when their description differs"),
        ("statuses", len(bundle["statuses"][0]["statuses"]), "created; those the site has (JSM's own) are reused"),
        ("fields", len(bundle["fields"]), "created; the default context scoped to the project; options; defaults"),
        ("screens", "each", "the project's own screens get the fields on their first tab; nothing is removed"),
        ("workflow", 1, "checked by Jira's own validation, then created or updated; Resolve sets a Resolution"),
        ("workflow scheme", 1, "created and attached to the project"),
        ("issue type scheme", 1, "the project's own gets the process's issue types"),
        ("priority scheme", 1, "created with the priorities, or extended, and attached to the project"),
        ("request types", customer_types, "created for what customers raise (the API cannot change one)"),
        ("SLA metrics", clocks, "read back: wait until made by hand"),
        ("JQL", "all", "every query checked by Jira's jql/parse; a refused one is not written"),
        ("filters", len(bundle["filters"]), "created or updated, shared with the project; those reading SLAs wait"),
        ("queues", len(bundle["filters"]), "read back: wait until made by hand"),
        ("automation", len(bundle["automation"]), "created or updated by uuid, scoped to the project, run as you"),
    ]


def plan(bundle: dict[str, Any], customer_types: int, clocks: int) -> str:
    rows = ((esc(name), str(count), esc(what)) for name, count, what in _plan_rows(bundle, customer_types, clocks))
    return table(("section", "items", "what `cep jira apply` does"), rows)


def by_hand(steps: list[str]) -> str:
    return numbered(esc(step) for step in steps)


def sections(bundle: dict[str, Any]) -> str:
    rows = [
        (str(n), code(key), esc(bundle["endpoints"][key]), str(len(bundle[key])), esc(_WHAT[key]))
        for n, key in enumerate(_ORDER, start=1)
    ]
    return table(("step", "section", "API call", "items", "what it creates"), rows)


def values(bundle: dict[str, Any]) -> str:
    out = [
        "### Priorities\n\n"
        + table(
            ("name", "colour", "description"),
            ((esc(p["name"]), code(p["statusColor"]), esc(p["description"])) for p in bundle["priorities"]),
        )
    ]
    out.append(
        "### Issue types\n\n"
        + table(("name", "description"), ((esc(t["name"]), esc(t["description"])) for t in bundle["issueTypes"]))
    )
    out.append(
        "### Custom fields\n\n"
        + table(
            ("field", "type", "options"),
            (
                (
                    esc(f["field"]["name"]),
                    code(f["field"]["type"].rsplit(":", 1)[-1]),
                    ", ".join(code(o["value"]) for o in f.get("options", {}).get("options", [])) or "—",
                )
                for f in bundle["fields"]
            ),
        )
    )
    out.append(
        "### Statuses\n\n"
        + table(
            ("status", "category"),
            ((esc(s["name"]), code(s["statusCategory"])) for s in bundle["statuses"][0]["statuses"]),
        )
    )
    workflow = bundle["workflows"][0]
    names = {s["statusReference"]: s["name"] for s in workflow["statuses"]}
    transitions = workflow["workflows"][0]["transitions"]
    out.append(
        "### Workflow transitions\n\n"
        + table(
            ("transition", "from", "to"),
            (
                (
                    esc(t["name"]),
                    ", ".join(esc(names[link["fromStatusReference"]]) for link in t["links"]) or "(create)",
                    esc(names[t["toStatusReference"]]),
                )
                for t in transitions
            ),
        )
    )
    out.append(
        "### Filters\n\n"
        + "".join(
            f"**{esc(f['name'])}** — {esc(f['description'])}\n\n```text\n{f['jql']}\n```\n\n" for f in bundle["filters"]
        )
    )
    out.append(
        "### Automation rules\n\n"
        + numbered(f"**{esc(r['rule']['name'])}** — {esc(r['rule']['description'])}" for r in bundle["automation"])
    )
    out.append(
        "### Placeholders to fill in\n\n"
        + table(("placeholder", "replace with"), ((code(k), esc(v)) for k, v in bundle["placeholders"].items()))
    )
    return "\n".join(out)


def service_management(bundle: dict[str, Any]) -> str:
    sm = bundle["serviceManagement"]
    rows = [
        (
            esc(m["name"]),
            esc(" or ".join(m["start"])),
            esc(" or ".join(m["pause"]) or "—"),
            esc(" or ".join(m["stop"])),
            "<br>".join(f"{code(g['jql'])} → **{esc(g['target'])}** ({esc(g['calendar'])})" for g in m["goals"]),
        )
        for m in sm["slaMetrics"]
    ]
    return (
        "### SLA metrics\n\n"
        + table(("metric", "start", "pause", "stop", "goals"), rows)
        + "\n### Checklist\n\n"
        + numbered(esc(step) for step in sm["checklist"])
    )
