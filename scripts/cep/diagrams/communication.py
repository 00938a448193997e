"""The communication map: roles, channels, and the events that post to each; customers only through Tier 1."""

from __future__ import annotations

import graphviz

from ..definition.model import Process
from ..manual import pages
from .style import FILLS, href, label, new_graph, node_id


def build(process: Process) -> tuple[graphviz.Digraph, str, str]:
    title = "Communication map"
    graph = new_graph("communication", title, rankdir="LR", nodesep="0.3", ranksep="1.4")
    roles = {r.id: node_id("role", r.id, i) for i, r in enumerate(process.roles)}
    channels = {c.id: node_id("channel", c.id, i) for i, c in enumerate(process.channels)}
    for role in process.roles:
        graph.node(
            roles[role.id],
            label(role.name),
            shape="ellipse",
            fillcolor=FILLS["role"],
            href=href(pages.TIERS_AND_ROLES, "role", role.id),
        )
    for channel in process.channels:
        graph.node(
            channels[channel.id],
            label(f"{channel.id}\n{channel.purpose}"),
            fillcolor=FILLS["channel"],
            href=href(pages.COMMUNICATION, "channel", channel.id),
        )
        for member in channel.members:
            graph.edge(roles[member], channels[channel.id], arrowhead="none", style="dashed", color="#9e9e9e")
    events: list[tuple[str, str, tuple[str, ...], str]] = [
        (node_id("trigger", t.id, i), f"Trigger: {t.name}", t.notify, href(pages.TRIGGERS, "trigger", t.id))
        for i, t in enumerate(process.triggers)
    ]
    events += [
        (node_id("announce", a.id, i), f"Announcement: {a.name}", a.notify, href(pages.TRIGGERS))
        for i, a in enumerate(process.announcements)
    ]
    events += [
        (node_id("handover", h.id, i), f"Hand-over: {h.name}", h.notify, href(pages.HANDOVERS, "handover", h.id))
        for i, h in enumerate(process.handovers)
    ]
    events += [
        (
            "at_risk",
            f"Goal at {process.at_risk.threshold_percent}%: warning",
            process.at_risk.notify,
            href(pages.BREACHES),
        )
    ]
    events += [
        (node_id("breach", r.id, i), f"Missed goal: {r.name}", r.notify, href(pages.BREACHES))
        for i, r in enumerate(process.breaches)
    ]
    for ident, text, notify, link in events:
        graph.node(ident, label(text), shape="note", fillcolor=FILLS["event"], href=link)
        for channel in notify:
            graph.edge(ident, channels[channel], label="posts")
    contact = process.communication.customer_contact
    tiers = {t.id: t for t in process.tiers}
    customer = "customer"
    graph.node(customer, "Customer", shape="oval", fillcolor=FILLS["customer"])
    cadence = "; ".join(f"{p.id} {p.customer_updates}" for p in process.priorities)
    graph.edge(
        roles[tiers[contact].owner],
        customer,
        label=label(f"updates ({cadence})"),
        penwidth="2",
        href=href(pages.COMMUNICATION),
    )
    for tier in process.tiers:
        if tier.id != contact and tier.owner != tiers[contact].owner:
            graph.edge(
                roles[tier.owner],
                roles[tiers[contact].owner],
                label=label(f"through {tiers[contact].short_name}"),
                style="dotted",
                constraint="false",
            )
    description = (
        f"Who is in which of the {len(process.channels)} channels, which events post to each, and how "
        f"customers hear from us: only through {tiers[contact].name}."
    )
    return graph, title, description
