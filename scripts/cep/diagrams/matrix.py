"""The priority matrix: urgency × impact with the priority colours, and each priority's time goals."""

from __future__ import annotations

import graphviz

from ..definition.model import Process
from ..manual import pages
from ..manual.text import readable_contrast
from .style import INK, href, html_text, new_graph


def build(process: Process) -> tuple[graphviz.Digraph, str, str]:
    title = "Priority matrix"
    graph = new_graph("matrix", title, rankdir="LR")
    head = "".join(f'<td bgcolor="#eceff1"><b>{html_text(i.name)}</b></td>' for i in process.impact)
    rows = [
        f'<tr><td bgcolor="#eceff1"><b>{html_text(u.name)}</b></td>'
        + "".join(
            f'<td bgcolor="{c.colour}"><font color="{readable_contrast(c.colour)}"><b>{html_text(c.id)}</b></font></td>'
            for c in cells
        )
        + "</tr>"
        for u, cells in process.priority_grid()
    ]
    table = (
        f'<<table border="0" cellborder="1" cellspacing="0" cellpadding="8">'
        f'<tr><td bgcolor="#eceff1"><i>urgency \\ impact</i></td>{head}</tr>{"".join(rows)}</table>>'
    )
    graph.node("matrix", table, shape="plain", style="", fontcolor=INK, href=href(pages.PRIORITISATION))
    legend = "".join(
        f'<tr><td bgcolor="{p.colour}"><font color="{readable_contrast(p.colour)}"><b>{html_text(p.id)}</b></font>'
        f"</td><td>{html_text(p.name)}</td><td>{html_text(str(p.first_response))}</td>"
        f"<td>{html_text(str(p.resolution))}</td><td>{html_text(str(p.acknowledge))}</td></tr>"
        for p in process.priorities
    )
    targets = (
        f'<<table border="0" cellborder="1" cellspacing="0" cellpadding="6" bgcolor="#ffffff">'
        f"<tr><td><b>priority</b></td><td><b>name</b></td><td><b>first response</b></td>"
        f"<td><b>resolution</b></td><td><b>acknowledgement</b></td></tr>{legend}</table>>"
    )
    graph.node("targets", targets, shape="plain", style="", fontcolor=INK, href=href(pages.TIME_GOALS))
    graph.edge("matrix", "targets", style="invis")
    floors = "; ".join(f.summary for f in process.floors)
    description = (
        f"Priority by urgency (rows) and impact (columns), {len(process.matrix)} cells, with each "
        f"priority's time goals. {floors}"
    )
    return graph, title, description
