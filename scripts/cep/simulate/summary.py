"""What a scenario's replications say: each ticket's history judged exactly as `cep report` judges one, then
attainment per clock and priority, queues and utilisation per tier, as means with 95 % confidence intervals
across replications; and sweeps over volume and staff, with what fails first."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from ..definition.model import Process
from ..report.history import Issue, Read
from ..report.lived import Reader
from .model import Simulation
from .scenario import Scenario

# Student's t, 97.5 % quantile, for 1 to 30 degrees of freedom (beyond: the normal's 1.96).
_T975 = (
    12.706,
    4.303,
    3.182,
    2.776,
    2.571,
    2.447,
    2.365,
    2.306,
    2.262,
    2.228,
    2.201,
    2.179,
    2.160,
    2.145,
    2.131,
    2.120,
    2.110,
    2.101,
    2.093,
    2.086,
    2.080,
    2.074,
    2.069,
    2.064,
    2.060,
    2.056,
    2.052,
    2.048,
    2.045,
    2.042,
)


def interval(values: list[float]) -> dict[str, float | None]:
    """Mean and the half-width of its 95 % confidence interval (None with a single replication)."""
    mean = statistics.fmean(values)
    if len(values) < 2:
        return {"mean": mean, "half_width": None}
    t = _T975[len(values) - 2] if len(values) - 1 <= len(_T975) else 1.96
    return {"mean": mean, "half_width": t * statistics.stdev(values) / math.sqrt(len(values))}


@dataclass(frozen=True)
class Replication:
    """One run's figures: clock (name, priority) → (met, missed, open); per tier: utilisation, mean queue."""

    clocks: dict[tuple[str, str], tuple[int, int, int]]
    utilisation: dict[str, float]  # of the people in hours: hands-on time over their opening hours
    on_call: dict[str, float]
    queue: dict[str, float]
    tickets: int


def judge(sim: Simulation, process: Process) -> Replication:
    reader = Reader(process, process.meta.version)
    at = datetime.fromtimestamp(sim.end, sim.calendars[sim.scenario.busy_calendar].zone)
    counts: Counter[tuple[str, str, str]] = Counter()
    for builder in sim.issues:
        issue = msgspec.convert(builder.issue(), Issue)
        verdict = reader.judge(Read(issue, sim.site.names, "simulation", None), at)
        for name, clock in verdict.clocks.items():
            counts[(name, verdict.expected_priority, clock["state"])] += 1
    keys = sorted({(name, priority) for name, priority, _ in counts})
    return Replication(
        clocks={k: (counts[(*k, "met")], counts[(*k, "missed")], counts[(*k, "open")]) for k in keys},
        utilisation={t: _share(tier.busy["staff"], tier.available["staff"]) for t, tier in sim.tiers.items()},
        on_call={t: _share(tier.busy["on_call"], tier.available["on_call"]) for t, tier in sim.tiers.items()},
        queue={t: statistics.fmean(tier.seen_queue) if tier.seen_queue else 0.0 for t, tier in sim.tiers.items()},
        tickets=len(sim.issues),
    )


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def replicate(process: Process, scenario: Scenario) -> list[Replication]:
    return [judge(Simulation(process, scenario, r).run(), process) for r in range(scenario.replications)]


def _attainment(met: int, missed: int) -> float | None:
    return met / (met + missed) if met + missed else None


def summarise(runs: list[Replication], scenario: Scenario) -> dict[str, Any]:
    clocks = sorted({key for run in runs for key in run.clocks})
    rows = []
    for name, priority in clocks:
        shares = [_attainment(*run.clocks.get((name, priority), (0, 0, 0))[:2]) for run in runs]
        known = [s for s in shares if s is not None]
        rows.append(
            {
                "clock": name,
                "priority": priority,
                "tickets": statistics.fmean(sum(run.clocks.get((name, priority), (0, 0, 0))) for run in runs),
                "attainment": interval(known) if known else None,
                "holds": bool(known) and statistics.fmean(known) >= scenario.goal,
            }
        )
    tiers = sorted(runs[0].utilisation)
    return {
        "scenario": scenario.name,
        "per_week": scenario.per_week,
        "staff": {tier: scenario.staff[tier].people for tier in tiers},
        "replications": len(runs),
        "tickets": interval([float(run.tickets) for run in runs]),
        "goal_attainment": scenario.goal,
        "clocks": rows,
        "tiers": [
            {
                "tier": tier,
                "utilisation": interval([run.utilisation[tier] for run in runs]),
                "on_call_utilisation": interval([run.on_call[tier] for run in runs]),
                "queue_seen": interval([run.queue[tier] for run in runs]),
            }
            for tier in tiers
        ],
        "holds": all(row["holds"] for row in rows if row["attainment"] is not None),
    }


def first_failures(summary: dict[str, Any]) -> list[str]:
    """The goals that fail, the worst first: what breaks first at this load."""
    failing = [r for r in summary["clocks"] if r["attainment"] is not None and not r["holds"]]
    failing.sort(key=lambda r: r["attainment"]["mean"])
    return [f"{r['priority']} {r['clock'].replace('_', ' ')} ({r['attainment']['mean']:.0%})" for r in failing]
