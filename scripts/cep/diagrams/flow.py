"""The escalation flow: tiers as clusters, one edge per trigger in order, hand-overs, and breach escalations."""

from __future__ import annotations

import graphviz

from ..definition.model import Process
from ..manual import pages
from .style import FILLS, FONT, href, label, new_graph, node_id, wrap


def build(process: Process) -> tuple[graphviz.Digraph, str, str]:
    title = "Escalation flow"
    graph = new_graph("flow", title, rankdir="TB", compound="true", nodesep="0.35", ranksep="0.9")
    roles = {r.id: r for r in process.roles}
    tier_nodes = {t.id: node_id("tier", t.id, i) for i, t in enumerate(process.tiers)}
    for i, tier in enumerate(process.tiers):
        owner = roles.get(tier.owner)
        with graph.subgraph(name=f"cluster_{i}") as cluster:
            cluster.attr(
                label=label(tier.name),
                style="rounded,dashed",
                color="#9fa8da",
                href=href(pages.TIERS_AND_ROLES, "tier", tier.id),
                fontname=FONT,
                fontsize="14",
            )
            cluster.node(
                tier_nodes[tier.id],
                label(f"{tier.short_name}\nowner: {owner.name if owner else tier.owner}"),
                fillcolor=FILLS["tier"],
                href=href(pages.TIERS_AND_ROLES, "tier", tier.id),
                tooltip=label(tier.summary),
            )
    triage = tier_nodes[process.default_route.tier]
    arrive = "arrive"
    graph.node(arrive, "A customer request arrives", shape="oval", fillcolor=FILLS["customer"])
    graph.edge(
        arrive,
        triage,
        label=label(wrap("triage: category, urgency, impact → priority")),
        href=href(pages.PRIORITISATION),
    )
    for n, trigger in enumerate(process.triggers, start=1):
        graph.edge(
            triage,
            tier_nodes[trigger.route],
            label=label(wrap(f"{n}. {trigger.name}")),
            href=href(pages.TRIGGERS, "trigger", trigger.id),
            tooltip=label(f"{n}. {trigger.name}: {trigger.when.describe(process.domains())}"),
        )
    stays = "stays"
    triage_name = process.tier(process.default_route.tier).short_name
    graph.node(stays, label(f"Resolved at {triage_name}"), shape="oval", fillcolor=FILLS["customer"])
    graph.edge(
        triage,
        stays,
        label="no trigger matched",
        tooltip=label(process.default_route.summary),
        href=href(pages.TRIGGERS),
    )
    for handover in process.handovers:
        text = handover.name
        if handover.fix_window:
            text += (
                f" — {', '.join(handover.immediate)} at once; {', '.join(handover.fix_window.priorities)} "
                f"in the weekly fix window"
            )
        elif not handover.has_time_goal:
            text += " — when accepted into the roadmap, no time goal"
        graph.edge(
            tier_nodes[handover.from_tier],
            tier_nodes[handover.to_tier],
            label=label(wrap(text, 30)),
            href=href(pages.HANDOVERS, "handover", handover.id),
            penwidth="2",
        )
    alerted = {r.alert for r in process.breaches if r.alert}
    with graph.subgraph() as bottom:  # the people alerted sit below the tiers, out of the triggers' way
        bottom.attr(rank="sink")
        for role_id in sorted(alerted):
            role = roles.get(role_id)
            bottom.node(
                node_id("role", role_id, 0),
                label(role.name if role else role_id),
                shape="ellipse",
                fillcolor=FILLS["role"],
                href=href(pages.TIERS_AND_ROLES, "role", role_id),
            )
    for rule in process.breaches:
        text = f"{rule.name}: missed goal ({', '.join(rule.priorities)})"
        for n, tier in enumerate(rule.tiers):
            target = tier_nodes[rule.escalate_to] if rule.escalate_to else node_id("role", rule.alert or "", 0)
            graph.edge(
                tier_nodes[tier],
                target,
                label=label(wrap(text)) if n == 0 else "",  # one label per rule, its edges drawn alike
                tooltip=label(text),
                style="dashed",
                href=href(pages.BREACHES),
                constraint="false",
            )
    description = (
        f"How tickets move between the {len(process.tiers)} tiers: the {len(process.triggers)} escalation "
        f"triggers in the order {triage_name} checks them, the hand-overs to development, and the dashed "
        f"escalations when a time goal is missed."
    )
    return graph, title, description
