"""`cep simulate`: run a load scenario through the process, write the histories `cep report` reads and a summary
with confidence intervals; `--sweep` runs it at several volumes or staffings, says what fails first, and finds the
smallest staff per tier that holds every goal."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from ..definition.model import Process
from ..problems import UsageError
from .model import Simulation
from .scenario import Scenario, load_scenario
from .summary import first_failures, judge, replicate, summarise

PAGE = 100  # issues per search page, as Jira's maxResults
SEARCH_LIMIT = 12  # staff changes the smallest-staff search tries before it gives up


def parse_volume(text: str) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)x?", text.strip())
    if not match or float(match[1]) <= 0:
        raise UsageError(f"cep simulate: error: a volume is a positive multiple like 2x, not {text!r}")
    return float(match[1])


def parse_staff(items: list[str], process: Process) -> dict[str, int]:
    staff = {}
    tiers = [t.id for t in process.tiers]
    for item in items:
        tier, _, people = item.partition("=")
        if tier not in tiers or not people.isdigit():
            raise UsageError(
                f"cep simulate: error: --staff takes TIER=PEOPLE with a tier of {', '.join(tiers)}: {item!r}"
            )
        staff[tier] = int(people)
    return staff


def _histories(sim: Simulation) -> bytes:
    lines = []
    for start in range(0, len(sim.issues), PAGE):
        page = sim.site.page([b.issue() for b in sim.issues[start : start + PAGE]])
        page["isLast"] = start + PAGE >= len(sim.issues)
        lines.append(json.dumps(page, ensure_ascii=False, sort_keys=True))
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def _percent(value: dict[str, Any] | None) -> str:
    if value is None:
        return "—"
    half = value["half_width"]
    return f"{value['mean']:.0%}" + (f" ± {half:.0%}" if half is not None else "")


def summary_text(summary: dict[str, Any]) -> str:
    lines = [
        f"{summary['scenario']}: {summary['per_week']:g} tickets a week, staff "
        + ", ".join(f"{t} {n}" for t, n in summary["staff"].items())
        + f"; {summary['replications']} replications, {summary['tickets']['mean']:.0f} tickets each",
        f"time goals met (mean ± 95 % interval; a goal holds at {summary['goal_attainment']:.0%}):",
    ]
    for row in summary["clocks"]:
        mark = "" if row["holds"] or row["attainment"] is None else "  ← fails"
        lines.append(
            f"  {row['priority']} {row['clock'].replace('_', ' '):<16} {_percent(row['attainment']):>12}{mark}"
        )
    lines.append("tiers (hands-on share of the in-hours people's opening hours; queue each arriving ticket found):")
    for row in summary["tiers"]:
        lines.append(f"  {row['tier']:<10} {_percent(row['utilisation']):>12}   queue {row['queue_seen']['mean']:.1f}")
    failing = first_failures(summary)
    lines.append("fails first: " + (", ".join(failing) if failing else "nothing: every goal holds"))
    return "\n".join(lines) + "\n"


def smallest_staff(process: Process, scenario: Scenario) -> dict[str, int] | None:
    """The fewest people per tier that hold every goal: from one each, add a person where it lifts the worst
    goal most, until all hold; then take away, tier by tier, every person the goals still hold without (the
    greedy climb can overshoot where a person lifts the worst goal a little by chance). None if the search gives
    up."""
    tiers = list(scenario.staff)
    staff = {tier: 1 for tier in tiers}
    quick = replace(scenario, replications=min(scenario.replications, 3))

    def worst(people: dict[str, int]) -> tuple[bool, float]:
        summary = summarise(replicate(process, quick.scaled(staff=people)), quick)
        shares = [r["attainment"]["mean"] for r in summary["clocks"] if r["attainment"] is not None]
        return summary["holds"], min(shares, default=1.0)

    holds, _ = worst(staff)
    for _ in range(SEARCH_LIMIT):
        if holds:
            break
        tried = {tier: worst({**staff, tier: staff[tier] + 1}) for tier in tiers}
        best = max(tiers, key=lambda tier: (tried[tier][0], tried[tier][1], -tiers.index(tier)))
        staff[best] += 1
        holds = tried[best][0]
    if not holds:
        return None
    for tier in tiers:
        while staff[tier] > 1 and worst({**staff, tier: staff[tier] - 1})[0]:
            staff[tier] -= 1
    return staff


def sweep(process: Process, scenario: Scenario, volumes: list[float]) -> dict[str, Any]:
    rows = []
    for volume in volumes:
        loaded = scenario.scaled(volume)
        summary = summarise(replicate(process, loaded), loaded)
        rows.append(
            {
                "volume": volume,
                "summary": summary,
                "fails_first": first_failures(summary),
                "smallest_staff": smallest_staff(process, loaded),
            }
        )
    return {"scenario": scenario.name, "volumes": rows}


def sweep_text(result: dict[str, Any]) -> str:
    lines = [f"{result['scenario']}: what fails first as volume grows, and the fewest people that hold every goal"]
    for row in result["volumes"]:
        staff = row["smallest_staff"]
        needed = ", ".join(f"{t} {n}" for t, n in staff.items()) if staff else "not found"
        fails = ", ".join(row["fails_first"][:3]) or "nothing"
        lines.append(
            f"  {row['volume']:g}x ({row['summary']['per_week']:g}/week): fails first: {fails}; needs {needed}"
        )
    return "\n".join(lines) + "\n"


def run_simulate(process: Process, process_path: Path, options: dict[str, Any], out: TextIO) -> int:
    scenario = load_scenario(options["scenario"], process)
    changes = {k: options[k] for k in ("days", "seed", "replications") if options[k] is not None}
    scenario = replace(scenario, **changes).scaled(
        parse_volume(options["volume"]), parse_staff(options["staff"], process)
    )
    if options["sweep"]:
        kind, _, values = options["sweep"].partition("=")
        if kind != "volume" or not values:
            raise UsageError("cep simulate: error: --sweep takes volume=1x,2x,3x")
        result = sweep(process, scenario, [parse_volume(v) for v in values.split(",")])
        text, data = sweep_text(result), result
        files = {"sweep.json": json.dumps(result, indent=2, sort_keys=True) + "\n", "sweep.txt": text}
    else:
        sims = [Simulation(process, scenario, r).run() for r in range(scenario.replications)]
        summary = summarise([judge(sim, process) for sim in sims], scenario)
        text, data = summary_text(summary), summary
        files = {"summary.json": json.dumps(summary, indent=2, sort_keys=True) + "\n", "summary.txt": text}
        histories = {f"histories-{r + 1}.jsonl": _histories(sim) for r, sim in enumerate(sims)}
    out.write(json.dumps(data, indent=2, sort_keys=True) + "\n" if options["format"] == "json" else text)
    if options["out"] is not None:
        from ..output import write_tree

        contents = {name: text.encode("utf-8") for name, text in files.items()}
        if not options["sweep"]:
            contents.update(histories)
        write_tree(options["out"], "cep simulate", contents, keep=(process_path,))
    return 0
