"""The lived path: the directly-follows graph of the tickets' histories, discovered by pm4py (the process-mining
library) from the event log `cep report --out` writes, per process version; and drawn with Graphviz for the
latest version: each step a node, each edge how many tickets took it and their median time; edges only tickets
that left the process took are red and dashed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .aggregate import open_tables, query_text

DEVIATION = "#c62828"


def lived_path(directory: Path) -> list[dict[str, Any]]:
    """The directly-follows graph of the report in `directory` (nothing if it holds no event log)."""
    if not all((directory / f"{name}.parquet").is_file() for name in ("events", "tickets")):
        return []
    con = open_tables(directory, ("events", "tickets"))
    try:
        return discover(con.execute(query_text("event_log")).df())
    finally:
        con.close()


def discover(events: Any) -> list[dict[str, Any]]:
    """The directly-follows graph of each version's event log (a DataFrame of `sql/event_log.sql`, in the order
    the steps were taken), by pm4py: per edge, how often it was taken, how often by tickets that followed the
    process, and the median hours it took."""
    import pm4py

    keys = {"case_id_key": "key", "activity_key": "activity", "timestamp_key": "happened"}
    rows = []
    for version, log in events.groupby("version", sort=True):
        taken, _, _ = pm4py.discover_dfg(log, **keys)
        followed, _, _ = pm4py.discover_dfg(log[log["conformant"]], **keys)
        times, _, _ = pm4py.discover_performance_dfg(log, **keys)
        rows += [
            {
                "version": version,
                "activity": activity,
                "next_activity": next_activity,
                "tickets": int(tickets),
                "followed": int(followed.get((activity, next_activity), 0)),
                "median_hours": float(times[(activity, next_activity)]["median"]) / 3600.0,
            }
            for (activity, next_activity), tickets in taken.items()
        ]
    return sorted(rows, key=lambda r: (r["version"], -r["tickets"], r["activity"], r["next_activity"]))


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
