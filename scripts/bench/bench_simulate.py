"""`cep simulate`'s model (SimPy) against the floor of the same model as a minimal heap-based event loop
(heap_model.py), one simulated year of the default scenario scaled to TICKETS tickets (default 100,000; set
BENCH_SIMULATE_TICKETS=1000000 for the issue's full size): wall time (median of RUNS, taking turns) and peak
memory, each run in its own process."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time

from common import ROOT

TICKETS = int(os.environ.get("BENCH_SIMULATE_TICKETS", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def one(kind: str, tickets: int) -> None:
    """Run one model in this process and print its seconds and peak memory (MiB) as JSON."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from dataclasses import replace

    from heap_model import HeapModel

    from cep.definition.loader import load_process
    from cep.simulate.model import Simulation
    from cep.simulate.scenario import load_scenario

    process = load_process(ROOT / "process" / "escalation.yaml")
    base = load_scenario(None, process)
    scenario = replace(base, days=365).scaled(tickets / (base.per_week * 365 / 7))
    scenario = scenario.scaled(staff={tier: s.people * max(1, round(tickets / 6000)) for tier, s in base.staff.items()})
    start = time.perf_counter()
    model = Simulation(process, scenario, 0) if kind == "simpy" else HeapModel(process, scenario, 0)
    model.run()
    seconds = time.perf_counter() - start
    made = len(model.issues) if kind == "simpy" else len(model.sim.issues)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak, "tickets": made}))


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    results: dict[str, list[dict[str, float]]] = {"simpy": [], "heap": []}
    for _ in range(RUNS):
        for kind in results:
            done = subprocess.run(
                [sys.executable, os.path.join(here, "bench_simulate.py"), "--one", kind, str(TICKETS)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            results[kind].append(json.loads(done.stdout))
    simpy, heap = (statistics.median(r["seconds"] for r in results[k]) for k in ("simpy", "heap"))
    tickets = results["simpy"][0]["tickets"]
    print(
        f"cep simulate, one year, {tickets:,} tickets: SimPy median {simpy:.2f} s, heap-loop floor {heap:.2f} s, "
        f"ratio {simpy / heap:.2f}; peak memory {max(r['peak_mib'] for r in results['simpy']):.0f} MiB "
        f"(floor {max(r['peak_mib'] for r in results['heap']):.0f} MiB)"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        one(sys.argv[2], int(sys.argv[3]))
    else:
        main()
