"""The communication map: one card per channel (what it is for, who is in it, what posts there), and how customers
hear from us: only through the tier that talks to them."""

from __future__ import annotations

import itertools

import graphviz

from ..definition.model import Process
from ..manual import pages
from .style import FILLS, href, html_text, label, new_graph, node_id, wrap

PER_ROW = 2  # cards side by side: the map stays narrow enough to read in the manual's column


def _posts(process: Process) -> dict[str, list[tuple[str, str]]]:
    """For each channel, the events that post to it: (what happens, where the manual explains it)."""
    events = [(f"Trigger: {t.name}", t.notify, href(pages.TRIGGERS, "trigger", t.id)) for t in process.triggers]
    events += [(f"Announcement: {a.name}", a.notify, href(pages.TRIGGERS)) for a in process.announcements]
    events += [(f"Hand-over: {h.name}", h.notify, href(pages.HANDOVERS, "handover", h.id)) for h in process.handovers]
    events += [(f"Goal at {process.at_risk.threshold_percent}%: warning", process.at_risk.notify, href(pages.BREACHES))]
    events += [(f"Missed goal: {r.name}", r.notify, href(pages.BREACHES)) for r in process.breaches]
    posts: dict[str, list[tuple[str, str]]] = {c.id: [] for c in process.channels}
    for text, notify, link in events:
        for channel in notify:
            posts[channel].append((text, link))
    return posts


def _card(process: Process, channel_index: int, posts: list[tuple[str, str]]) -> str:
    channel = process.channels[channel_index]
    names = {r.id: r.name for r in process.roles}
    members = ", ".join(names.get(m, m) for m in channel.members)

    def row(text: str, link: str = "", bold: bool = False) -> str:
        shown = "<BR ALIGN='LEFT'/>".join(html_text(line) for line in wrap(text, 44).split("\n"))
        shown = f"<B>{shown}</B>" if bold else shown
        target = f' HREF="{html_text(link)}" TITLE="{html_text(text)}"' if link else ""
        return f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"{target}>{shown}</TD></TR>'

    rows = [row(channel.id, href(pages.COMMUNICATION, "channel", channel.id), bold=True), row(channel.purpose)]
    rows.append(row(f"Members: {members}"))
    rows.append(row("Posted to when:" if posts else "Nothing posts here automatically."))
    rows += [row(f"• {text}", link) for text, link in posts]
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{"".join(rows)}</TABLE>>'


def build(process: Process) -> tuple[graphviz.Digraph, str, str]:
    title = "Communication map"
    graph = new_graph("communication", title, rankdir="TB", nodesep="0.3", ranksep="0.4")
    posts = _posts(process)
    cards = [node_id("channel", c.id, i) for i, c in enumerate(process.channels)]
    for i, channel in enumerate(process.channels):
        graph.node(cards[i], _card(process, i, posts[channel.id]), fillcolor=FILLS["channel"], margin="0.15")
    for upper, lower in itertools.pairwise(cards[::PER_ROW]):  # cards in rows, rows one under another
        graph.edge(upper, lower, style="invis")
    for start in range(0, len(cards), PER_ROW):
        with graph.subgraph() as row:
            row.attr(rank="same")
            for card in cards[start : start + PER_ROW]:
                row.node(card)

    contact = process.communication.customer_contact
    tiers = {t.id: t for t in process.tiers}
    roles = {r.id: r for r in process.roles}
    front = tiers[contact].owner
    customer = "customer"
    graph.node(customer, "Customer", shape="oval", fillcolor=FILLS["customer"])
    graph.node(
        node_id("role", front, 0),
        label(roles[front].name),
        shape="ellipse",
        fillcolor=FILLS["role"],
        href=href(pages.TIERS_AND_ROLES, "role", front),
    )
    cadence = "\n".join(f"{p.id} {p.customer_updates}" for p in process.priorities)
    graph.edge(node_id("role", front, 0), customer, label=label(f"updates\n{cadence}"), penwidth="2")
    others = sorted({t.owner for t in process.tiers if t.id != contact and t.owner != front})
    if others:
        names = ", ".join(roles[o].name for o in others)
        graph.node("others", label(wrap(names, 30)), shape="ellipse", fillcolor=FILLS["role"])
        graph.edge("others", node_id("role", front, 0), label=label(f"through {tiers[contact].short_name}"))
    if cards:  # the customer's path sits under the channel cards
        graph.edge(cards[-1], "others" if others else node_id("role", front, 0), style="invis")
    description = (
        f"The {len(process.channels)} channels, each with what it is for, who is in it and what posts there, and "
        f"how customers hear from us: only through {tiers[contact].name}."
    )
    return graph, title, description
