"""The Performance and Capacity pages: how the process performs as lived (a `cep report` summary, or a labelled
sample simulated from the default scenario when none is configured), and what breaks first as volume grows (the
default scenario's sweep). Figures are tables; charts (report.charts) are images beside them, with text."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..definition.model import Process
from .text import esc

SAMPLE_DAYS = 28
SWEEP = (1.0, 2.0, 3.0)
SWEEP_REPLICATIONS = 3
SAMPLE_DEVIATIONS = 0.03  # the share of sample tickets given a priority against the matrix


@dataclass
class Page:
    markdown: str
    charts: dict[str, bytes] = field(default_factory=dict)  # path under the site → SVG


def _clock_name(process: Process, clock: str) -> str:
    """A clock as the definition names it, with the tier of a hand-over's acknowledgement (`acknowledge:tier-3`);
    a report from elsewhere may name one it does not have."""
    name, _, tier = clock.partition(":")
    if name not in process.clocks or (tier and tier not in {t.id for t in process.tiers}):
        return esc(clock)
    known = process.clocks[name].name.lower()
    return esc(f"{known} ({process.tier(tier).name})" if tier else known)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _cached(kind: str, definition: bytes, make: Callable[[], Any]) -> Any:
    """What `make` returns, kept in cep's cache under the definition and the default scenario it comes from."""
    from .. import cache
    from ..simulate.scenario import DEFAULT_SCENARIO

    parts = (definition, (files("cep.simulate") / DEFAULT_SCENARIO).read_bytes())
    found = cache.load(kind, *parts)
    if found is None:
        found = make()
        cache.store(kind, found, *parts)
    return found


def sample_summary(process: Process, definition: bytes) -> dict[str, Any]:
    """`cep report`'s summary of a month simulated from the default scenario, with a few tickets given a priority
    against the matrix: what the page shows until a real report is configured."""
    return _cached("sample-report", definition, lambda: _sample_summary(process))


def _sample_summary(process: Process) -> dict[str, Any]:
    import msgspec

    from ..report.aggregate import summarise
    from ..report.history import Issue, Read
    from ..report.lived import Reader
    from ..report.lived_path import lived_path
    from ..report.tables import write_all
    from ..simulate.model import Simulation
    from ..simulate.scenario import load_scenario

    scenario = replace(load_scenario(None, process), days=SAMPLE_DAYS, wrong_priority=SAMPLE_DEVIATIONS)
    sim = Simulation(process, scenario, 0).run()
    reader = Reader(process, process.meta.version)
    at = datetime.fromtimestamp(sim.end, sim.calendars[scenario.busy_calendar].zone)
    verdicts = (
        reader.judge(Read(msgspec.convert(b.issue(), Issue), sim.site.names, "sample", None), at) for b in sim.issues
    )
    with tempfile.TemporaryDirectory(prefix="cep-sample-") as work:
        write_all(verdicts, Path(work))
        return {**summarise(Path(work)), "directly_follows": lived_path(Path(work))}


def performance_page(summary: dict[str, Any], source: str, sample: bool, process: Process) -> Page:
    from ..report.charts import bar_chart, line_chart

    out = []
    if sample:
        out.append(
            '!!! warning "Sample data"\n    These figures come from a month of tickets *simulated* with '
            "`cep simulate`'s default scenario, not from a real site. Point the cep plugin's `performance` setting "
            "in `mkdocs.yml` at the folder `cep report --out` writes to show your own.\n"
        )
    else:
        out.append(f"*From `cep report`: {esc(source)}.*\n")
    out.append("## By process version\n")
    out.append(
        _table(
            [
                "version",
                "tickets",
                "followed the process",
                "time goals met",
                "returned",
                "complete hand-overs",
                f"insights that reached the {esc(_insight_owner(process))}",
            ],
            [
                [
                    esc(r["version"]),
                    str(r["tickets"]),
                    _percent(r["conformance"]),
                    _percent(r["attainment"]),
                    str(r["returned_tickets"]),
                    f"{r['complete_handovers']} of {r['handovers']}",
                    f"{r['insights_reached']} of {r['insights']}",
                ]
                for r in summary["by_version"]
            ],
        )
    )
    charts: dict[str, bytes] = {}
    weeks = sorted({r["week"] for r in summary["attainment"]})
    clocks = sorted({r["clock"] for r in summary["attainment"]})
    weekly: dict[str, list[float | None]] = {}
    for clock in clocks:
        values = []
        for week in weeks:
            rows = [r for r in summary["attainment"] if r["week"] == week and r["clock"] == clock]
            met, missed = sum(r["met"] for r in rows), sum(r["missed"] for r in rows)
            values.append(met / (met + missed) if met + missed else None)
        weekly[_clock_name(process, clock)] = values
    if weeks:
        title = "Time goals met, week by week"
        charts["performance/attainment.svg"] = line_chart(title, weeks, weekly, "goals met (%)")
        worst = min(((n, v) for n, vs in weekly.items() for v in vs if v is not None), key=lambda p: p[1])
        out.append(f"## {title}\n")
        out.append(f"![{title}: one line per clock](performance/attainment.svg){{ .cep-chart }}\n")
        out.append(f"The lowest week: {worst[0]} at {_percent(worst[1])}.\n")
        out.append(
            _table(["week", *weekly], [[w, *(_percent(v[i]) for v in weekly.values())] for i, w in enumerate(weeks)])
        )
    out.append(_volume(summary, charts))
    out.append("## Most common departures from the process\n")
    deviations = summary["deviations"][:10]
    out.append(
        _table(
            ["version", "what happened", "tickets", "for example"],
            [[esc(r["version"]), esc(r["why_pattern"]), str(r["tickets"]), esc(r["example"])] for r in deviations],
        )
        if deviations
        else "Every ticket followed the process.\n"
    )
    out.append(_lived_path(summary, charts))
    tiers = summary["time_in_tier"]
    if tiers:
        title = "Time in each tier (hours)"
        names = [r["tier"] for r in tiers]
        charts["performance/time-in-tier.svg"] = bar_chart(
            title,
            names,
            {"median": [r["median_hours"] for r in tiers], "90th percentile": [r["p90_hours"] for r in tiers]},
            "hours",
        )
        out.append(f"## {title}\n")
        out.append(f"![{title}: median and 90th percentile per tier](performance/time-in-tier.svg){{ .cep-chart }}\n")
        out.append(
            _table(
                ["version", "tier", "tickets", "median", "90th percentile"],
                [
                    [
                        esc(r["version"]),
                        esc(r["tier"]),
                        str(r["tickets"]),
                        f"{r['median_hours']:.1f} h",
                        f"{r['p90_hours']:.1f} h",
                    ]
                    for r in tiers
                ],
            )
        )
    return Page("\n".join(out), charts)


def _volume(summary: dict[str, Any], charts: dict[str, bytes]) -> str:
    """Tickets a week by category (a chart and its table), and by the channel the process posts them in."""
    from ..report.aggregate import totals
    from ..report.charts import line_chart

    by_category = totals(summary["volume"], "week", "category")
    if not by_category:
        return ""
    weeks = sorted({week for week, _ in by_category})
    categories = sorted({category for _, category in by_category})
    per_week = {w: sum(by_category[w, c] for c in categories) for w in weeks}
    busiest = max(weeks, key=lambda w: per_week[w])
    title = "Tickets a week, by category"
    series = {c: [float(by_category[w, c]) for w in weeks] for c in categories}
    charts["performance/volume.svg"] = line_chart(title, weeks, series, "tickets", percent=False)
    out = [
        f"## {title}\n",
        f"![{title}: one line per category](performance/volume.svg){{ .cep-chart }}\n",
        f"The busiest week: {busiest}, with {per_week[busiest]} tickets.\n",
        _table(
            ["week", *map(esc, categories), "all"],
            [[w, *(str(by_category[w, c]) for c in categories), str(per_week[w])] for w in weeks],
        ),
    ]
    by_channel = totals(summary.get("channels", []), "week", "channel")
    if by_channel:
        channels = sorted({channel for _, channel in by_channel})
        out += [
            "## Tickets a week, by channel\n",
            "The tickets the process posts in each channel: the channels of the tier each is routed to at triage, "
            "the announcements its priority makes, and those of a hand-over that happened (SLA alerts aside).\n",
            _table(["week", *map(esc, channels)], [[w, *(str(by_channel[w, c]) for c in channels)] for w in weeks]),
        ]
    return "\n".join(out)


def _insight_owner(process: Process) -> str:
    """Who insights are for: the short name of the tier the feedback template hands them to."""
    return process.tier(process.template(process.feedback.template).to).short_name


def _figure(src: str, alt: str, caption: str) -> str:
    return f"<figure markdown>\n\n![{alt}]({src}){{ .cep-chart }}\n\n<figcaption>{caption}</figcaption>\n</figure>\n"


def _lived_path(summary: dict[str, Any], charts: dict[str, bytes]) -> str:
    """The latest version's directly-follows graph, with the steps only departing tickets took set apart."""
    from ..report.lived_path import lived_path_svg

    versions = [r["version"] for r in summary["by_version"]]
    rows = [r for r in summary.get("directly_follows", []) if versions and r["version"] == versions[-1]]
    if not rows:
        return ""
    charts["performance/lived-path.svg"] = lived_path_svg(rows)
    departing = [r for r in rows if r["followed"] == 0]
    out = [
        "## The lived path\n",
        f"What tickets under version {esc(versions[-1])} actually did, step after step, as process mining draws it "
        "(each arrow: how many tickets took it, and their median time). Red dashed arrows were taken only by tickets "
        "that left the process. Beside it, the escalation flow as documented (in full, with its links, on the "
        "[diagrams page](reference/diagrams.md)). `cep report --out` also writes the histories as an XES event "
        "log (`events.xes`) for process-mining tools.\n",
        '<div class="cep-beside" markdown>\n',
        _figure("diagrams/flow.svg", "The escalation flow as the definition documents it", "As documented"),
        _figure(
            "performance/lived-path.svg",
            "The lived path: each step tickets took and how often",
            f"As lived, version {esc(versions[-1])}",
        ),
        "</div>\n",
    ]
    if departing:
        out.append(
            _table(
                ["from", "to", "tickets"],
                [[esc(r["activity"]), esc(r["next_activity"]), str(r["tickets"])] for r in departing],
            )
        )
    return "\n".join(out)


def capacity_sweep(process: Process, definition: bytes) -> tuple[Any, list[dict[str, Any]]]:
    """The default scenario at each volume of SWEEP (kept in cep's cache: it takes seconds)."""
    from ..simulate.scenario import load_scenario
    from ..simulate.summary import replicate, summarise

    scenario = replace(load_scenario(None, process), replications=SWEEP_REPLICATIONS)

    def sweep() -> list[dict[str, Any]]:
        rows = []
        for volume in SWEEP:
            loaded = scenario.scaled(volume)
            rows.append({"volume": volume, "summary": summarise(replicate(process, loaded), loaded)})
        return rows

    return scenario, _cached("capacity-sweep", definition, sweep)


def capacity_page(scenario: Any, rows: list[dict[str, Any]], process: Process) -> Page:
    from ..report.charts import line_chart
    from ..simulate.summary import first_failures

    out = [
        f"The default load scenario, *{esc(scenario.name)}*, run through the process at "
        + ", ".join(f"{v:g}×" for v in SWEEP)
        + f" today's volume with today's staff ({SWEEP_REPLICATIONS} simulated runs of {scenario.days} days each). "
        f"A time goal holds when at least {scenario.goal:.0%} of tickets meet it. Run "
        "`cep simulate --sweep volume=1x,2x,3x` to find the fewest people per tier that hold every goal.\n",
        "## What fails first\n",
    ]
    out.append(
        _table(
            ["volume", "tickets a week", "fails first"],
            [
                [
                    f"{r['volume']:g}×",
                    f"{r['summary']['per_week']:g}",
                    esc(", ".join(first_failures(r["summary"])[:3]) or "nothing: every goal holds"),
                ]
                for r in rows
            ],
        )
    )
    clocks = list(dict.fromkeys((c["clock"], c["priority"]) for r in rows for c in r["summary"]["clocks"]))
    series: dict[str, list[float | None]] = {}
    for clock in sorted({c for c, _ in clocks}):
        worst = []
        for r in rows:
            shares = [
                c["attainment"]["mean"]
                for c in r["summary"]["clocks"]
                if c["clock"] == clock and c["attainment"] is not None
            ]
            worst.append(min(shares) if shares else None)
        series[_clock_name(process, clock)] = worst
    title = "The worst priority's goals met, by volume"
    charts = {"capacity/by-volume.svg": line_chart(title, [f"{r['volume']:g}×" for r in rows], series, "goals met (%)")}
    out += [f"## {title}\n", f"![{title}: one line per clock](capacity/by-volume.svg){{ .cep-chart }}\n"]
    head = ["goal", *(f"{r['volume']:g}×" for r in rows)]
    table = []
    for clock, priority in clocks:
        cells = []
        for r in rows:
            # A volume's runs may have had no ticket on that clock and priority (a rare hand-over, say).
            found = next((c for c in r["summary"]["clocks"] if (c["clock"], c["priority"]) == (clock, priority)), None)
            cells.append(_percent(found["attainment"]["mean"]) if found and found["attainment"] else "—")
        table.append([f"{priority} {_clock_name(process, clock)}", *cells])
    out.append(_table(head, table))
    out.append("## Utilisation of the people in hours\n")
    out.append(
        _table(
            ["tier", *(f"{r['volume']:g}×" for r in rows)],
            [
                [
                    esc(t["tier"]),
                    *(
                        _percent(
                            next(x for x in r["summary"]["tiers"] if x["tier"] == t["tier"])["utilisation"]["mean"]
                        )
                        for r in rows
                    ),
                ]
                for t in rows[0]["summary"]["tiers"]
            ],
        )
    )
    out.append("## The assumptions\n")
    out.append("".join(f"- {esc(a)}\n" for a in scenario.assumptions) or "None stated.\n")
    return Page("\n".join(out), charts)
