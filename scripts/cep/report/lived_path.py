"""The lived path drawn: the directly-follows graph of the latest process version's tickets with Graphviz, each
step a node, each edge how many tickets took it and their median time; edges only tickets that left the process
took are red and dashed."""

from __future__ import annotations

from typing import Any

DEVIATION = "#c62828"


def lived_path_svg(rows: list[dict[str, Any]]) -> bytes:
    import graphviz

    graph = graphviz.Digraph(
        "lived",
        graph_attr={"rankdir": "TB", "bgcolor": "transparent", "fontname": "sans-serif"},
        node_attr={"shape": "box", "style": "rounded", "fontname": "sans-serif", "fontsize": "11"},
        edge_attr={"fontname": "sans-serif", "fontsize": "9"},
    )
    for row in rows:
        departing = row["followed"] == 0
        graph.edge(
            row["activity"],
            row["next_activity"],
            label=f"{row['tickets']} · {row['median_hours']:.1f} h",
            color=DEVIATION if departing else "#455a64",
            fontcolor=DEVIATION if departing else "#263238",
            style="dashed" if departing else "solid",
            penwidth=str(1 + min(row["tickets"], 400) / 100),
        )
    return graph.pipe(format="svg")
