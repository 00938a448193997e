"""The process at a glance, for the home page: the tiers top to bottom with their owners, what sends a ticket from
one to the next, and where it stays. Narrow enough to read on a phone; the escalation flow has the detail."""

from __future__ import annotations

from collections import defaultdict

import graphviz

from ..definition.model import Process
from ..manual import pages
from .style import FILLS, href, label, new_graph, node_id, wrap


def build(process: Process) -> tuple[graphviz.Digraph, str, str]:
    title = "The process at a glance"
    graph = new_graph("overview", title, rankdir="TB", nodesep="0.3", ranksep="0.5", fontsize="16")
    roles = {r.id: r.name for r in process.roles}
    tiers = {t.id: node_id("tier", t.id, i) for i, t in enumerate(process.tiers)}
    for tier in process.tiers:
        owner = roles.get(tier.owner, tier.owner)
        text = wrap(tier.name, 20) + ("" if owner.lower() in tier.name.lower() else f"\nowner: {owner}")
        graph.node(
            tiers[tier.id],
            label(text),
            fillcolor=FILLS["tier"],
            href=href(pages.TIERS_AND_ROLES, "tier", tier.id),
            tooltip=label(tier.name),
        )
    triage = tiers[process.default_route.tier]
    graph.node("arrive", "Customer request", shape="oval", fillcolor=FILLS["customer"])
    graph.edge("arrive", triage, label="priority", href=href(pages.PRIORITISATION))
    routes: dict[str, list[str]] = defaultdict(list)
    for trigger in process.triggers:
        routes[trigger.route].append(trigger.name)
    for route, names in routes.items():  # one arrow per destination, naming the triggers that lead there
        graph.edge(triage, tiers[route], label=label(wrap(", ".join(names), 22)), href=href(pages.TRIGGERS))
    for handover in process.handovers:
        graph.edge(
            tiers[handover.from_tier],
            tiers[handover.to_tier],
            label=label(wrap(handover.name, 16)),
            href=href(pages.HANDOVERS, "handover", handover.id),
            penwidth="2",
        )
    description = (
        f"A customer request reaches {process.tier(process.default_route.tier).name}, which sets its priority and "
        f"escalates it when one of the {len(process.triggers)} triggers matches; the tiers behind it hand "
        "fixes and accepted features over to development."
    )
    return graph, title, description
