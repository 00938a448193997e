"""The service blueprint: customer actions, frontstage, line of visibility, backstage, support systems."""

from __future__ import annotations

import itertools

import graphviz

from ..definition.model import Process
from ..manual import pages
from .style import FILLS, FREE, href, html_text, label, new_graph, node_id, wrap


def _goals(process: Process, attribute: str) -> str:
    return "\n".join(f"{p.id} {getattr(p, attribute)}" for p in process.priorities)  # one a line: narrow


def build(process: Process) -> tuple[graphviz.Digraph, str, str]:
    title = "Service blueprint"
    graph = new_graph("blueprint", title, rankdir="TB", nodesep="0.25", ranksep="0.5", newrank="true")
    tiers = {t.id: t for t in process.tiers}
    contact = process.communication.customer_contact
    front = [t for t in process.tiers if t.talks_to_customers]
    back = [t for t in process.tiers if not t.talks_to_customers]
    lanes: list[tuple[str, list[tuple[str, str, dict[str, str]]]]] = []

    customer = [
        ("c_ask", "Asks for help or reports a problem\n(web form, email, in-headset report)", {}),
        ("c_first", f"Receives a first response\n{_goals(process, 'first_response')}", {}),
        ("c_update", f"Receives updates from {tiers[contact].short_name}\n{_goals(process, 'customer_updates')}", {}),
        ("c_done", f"Told of the resolution\n{_goals(process, 'resolution')}", {}),
    ]
    lanes.append(("Customer actions", customer))
    for tier in front:
        steps = [
            (
                node_id("triage", tier.id, 0),
                f"{tier.short_name}: triage and prioritise",
                {"href": href(pages.PRIORITISATION)},
            )
        ]
        steps += [
            (
                node_id("send", t.id, i),
                f"Escalate with the {t.name}\nto {tiers[t.to].short_name}",
                {"href": href(pages.TEMPLATES, "template", t.id)},
            )
            for i, t in enumerate(process.templates)
            if t.from_tier == tier.id and t.to in tiers
        ]
        steps.append(
            (
                node_id("update", tier.id, 0),
                f"Update the customer with the {process.template(process.communication.update_template).name}",
                {"href": href(pages.COMMUNICATION)},
            )
        )
        lanes.append((f"Frontstage — {tier.name}", steps))
    lanes.append(("line of visibility", []))
    for tier in back:
        steps = [
            (
                node_id("ack", tier.id, 0),
                f"{tier.short_name}: acknowledge\n{_goals(process, 'acknowledge')}",
                {"href": href(pages.TIME_GOALS)},
            )
        ]
        review = process.clocks["review"]
        if review.owner == tier.owner and review.target:
            steps.append(
                (
                    node_id("review", tier.id, 0),
                    f"Review each insight within {review.target}",
                    {"href": href(pages.FEEDBACK)},
                )
            )
        steps += [
            (
                node_id("handover", h.id, i),
                f"Hand over to {tiers[h.to_tier].short_name}"
                + (f" with the {process.template(h.template).name}" if h.template else "")
                + (f"\n{', '.join(h.fix_window.priorities)} wait for the fix window" if h.fix_window else ""),
                {"href": href(pages.HANDOVERS, "handover", h.id)},
            )
            for i, h in enumerate(process.handovers)
            if h.from_tier == tier.id
        ]
        lanes.append((f"Backstage — {tier.name}", steps))
    rows = "".join(
        f'<TR><TD PORT="c{i}" HREF="{html_text(href(pages.COMMUNICATION, "channel", c.id))}" '
        f'TITLE="{html_text(c.purpose)}" BGCOLOR="{FILLS["channel"]}">{html_text(c.id)}</TD></TR>'
        for i, c in enumerate(process.channels)
    )
    slack = f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="2" CELLPADDING="3"><TR><TD>Slack</TD></TR>{rows}</TABLE>>'
    systems = [("jira", "Jira: tickets, queues, time goals", {}), ("slack", slack, {"shape": "plain"})]
    lanes.append(("Support systems", systems))

    previous = ""
    for n, (lane, steps) in enumerate(lanes):
        head = f"lane{n}"
        with graph.subgraph() as row:
            row.attr(rank="same")
            if not steps:  # the line of visibility
                row.node(head, label(f"— {lane} —"), shape="plaintext", style="", fontcolor="#9e9e9e", **FREE)
            else:
                row.node(head, label(wrap(lane, 18)), shape="plaintext", style="", fontsize="13", **FREE)
            for ident, text, attrs in steps:
                row.node(
                    ident,
                    text if text.startswith("<") else label("\n".join(wrap(line, 28) for line in text.split("\n"))),
                    **{"fillcolor": FILLS["customer" if n == 0 else "step"], **attrs},
                )
        if previous:
            graph.edge(previous, head, style="invis", weight="10")
        for (a, _, _), (b, _, _) in itertools.pairwise(steps):
            graph.edge(a, b, style="invis")
        if steps:
            graph.edge(head, steps[0][0], style="invis")
        previous = head

    for tier in front:
        triage = node_id("triage", tier.id, 0)
        graph.edge("c_ask", triage)
        graph.edge(triage, "c_first", label="first response")
        graph.edge(node_id("update", tier.id, 0), "c_update")
        for i, t in enumerate(process.templates):
            if t.from_tier == tier.id and t.to in tiers and not tiers[t.to].talks_to_customers:
                graph.edge(triage, node_id("send", t.id, i))
                graph.edge(node_id("send", t.id, i), node_id("ack", t.to, 0))
        graph.edge(node_id("update", tier.id, 0), "c_done", style="dashed")
    for i, h in enumerate(process.handovers):
        graph.edge(node_id("handover", h.id, i), node_id("ack", h.to_tier, 0))
    for tier in back:
        graph.edge(
            node_id("ack", tier.id, 0),
            node_id("update", contact, 0),
            style="dashed",
            label=label(f"updates through {tiers[contact].short_name}"),
            constraint="false",
        )
    channels = {c.id: f"slack:c{i}" for i, c in enumerate(process.channels)}
    posts = {
        (node_id("send", t.id, i), channels[channel])
        for i, t in enumerate(process.templates)
        for trigger in process.triggers
        if trigger.template == t.id and t.to in tiers and not tiers[t.to].talks_to_customers
        for channel in trigger.notify
    }
    for source, channel in sorted(posts):
        graph.edge(source, channel, style="dotted", arrowhead="none")
    description = (
        "The journey of a request in lanes: what the customer does and sees, what "
        f"{tiers[contact].short_name} does in "
        "front of the customer, the line of visibility, the work of the tiers behind it with each "
        "step's time goal and hand-over template, and the systems that support them."
    )
    return graph, title, description
