"""`cep simulate`: deterministic for a seed, right against queueing theory (Erlang C), and read back by `cep report`
exactly as the simulation knows it happened."""

from __future__ import annotations

import json
import math
import statistics
import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from cep.definition.loader import load_process
from cep.simulate.command import _histories
from cep.simulate.model import Simulation
from cep.simulate.scenario import Scenario, Staff, load_scenario
from project import PROCESS


@pytest.fixture(scope="module")
def process():
    return load_process(PROCESS)


def _cep(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cep", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    args = ["--process", str(PROCESS), "--days", "7", "--replications", "2", "--seed", "7"]
    for name in ("a", "b"):
        done = _cep(tmp_path, "simulate", *args, "--out", name)
        assert done.returncode == 0, done.stderr
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == [".cep-output", "histories-1.jsonl", "histories-2.jsonl", "summary.json", "summary.txt"]
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    other = _cep(tmp_path, "simulate", *args[:-1], "8", "--out", "c")
    assert other.returncode == 0
    assert (tmp_path / "c" / "histories-1.jsonl").read_bytes() != (tmp_path / "a" / "histories-1.jsonl").read_bytes()


def _erlang_c(servers: int, load: float) -> float:
    """The probability that an arriving customer waits, in an M/M/c queue offering `load` erlangs."""
    top = load**servers / math.factorial(servers) / (1 - load / servers)
    return top / (sum(load**k / math.factorial(k) for k in range(servers)) + top)


def test_one_tier_around_the_clock_matches_erlang_c(process) -> None:
    servers, per_hour, mean_service_hours, goal_hours = 2, 1.5, 1.0, 0.5
    base = load_scenario(None, process)
    tiers = [t.id for t in process.tiers]
    scenario = replace(
        base,
        days=56,
        replications=12,
        per_week=per_hour * 24 * 7,
        profile=(1.0, 1.0, 1.0),
        mix={"category": {"how-to": 1}, "urgency": {"low": 1}, "impact": {"individual": 1}},
        staff={t: Staff(servers if t == "tier-1" else 0, "24x7", 0) for t in tiers},
        service_hours={t: {"default": mean_service_hours} for t in tiers},
        returned_share=0.0,
        wait_share=0.0,
        wrong_priority=0.0,
    )
    means, shares = [], []
    for replication in range(scenario.replications):
        sim = Simulation(process, scenario, replication).run()
        waits = [(truth.responded - truth.tiers[0][0]) / 3600 for truth in sim.truths if truth.responded is not None]
        means.append(statistics.fmean(waits))
        shares.append(sum(w <= goal_hours for w in waits) / len(waits))
    load = per_hour * mean_service_hours
    waiting = _erlang_c(servers, load)
    rate_out = servers / mean_service_hours - per_hour
    theory_mean, theory_share = waiting / rate_out, 1 - waiting * math.exp(-rate_out * goal_hours)
    t = 2.201  # Student's t, 97.5 %, 11 degrees of freedom
    for values, theory in ((means, theory_mean), (shares, theory_share)):
        half = t * statistics.stdev(values) / math.sqrt(len(values))
        assert abs(statistics.fmean(values) - theory) <= half, (statistics.fmean(values), theory, half)


def test_cep_report_reads_back_exactly_what_the_simulation_did(process, tmp_path: Path) -> None:
    scenario = replace(load_scenario(None, process), days=14, wrong_priority=0.1)
    sim = Simulation(process, scenario, 0).run()
    (tmp_path / "histories.jsonl").write_bytes(_histories(sim))
    end = datetime.fromtimestamp(sim.end, sim.calendars[scenario.busy_calendar].zone).isoformat()
    done = _cep(tmp_path, "report", "histories.jsonl", "--process", str(PROCESS), "--format", "jsonl", "--at", end)
    assert done.returncode == 0, done.stderr
    verdicts = {v["key"]: v for v in map(json.loads, done.stdout.splitlines())}
    assert len(verdicts) == len(sim.truths) > 100
    zone = sim.calendars[scenario.busy_calendar].zone

    def iso(unix: int | None) -> str | None:
        return None if unix is None else datetime.fromtimestamp(unix, zone).isoformat()

    deviated = set()
    for truth in sim.truths:
        v = verdicts[truth.key]
        tiers = [tier for i, (_, tier) in enumerate(truth.tiers) if i == 0 or truth.tiers[i - 1][1] != tier]
        assert v["tiers"] == tiers, truth
        assert v["returns"] == int(truth.returned)
        assert v["clocks"]["first_response"]["stopped"] == iso(truth.responded)
        for name in ("resolution", "review"):
            if name in v["clocks"] and v["clocks"][name]["stopped"] is not None:
                assert v["clocks"][name]["stopped"] == iso(truth.resolved)
        if "acknowledge" in v["clocks"]:
            assert v["clocks"]["acknowledge"]["stopped"] == iso(truth.acknowledged)
        ends = [*(when for when, _ in truth.tiers[1:]), truth.resolved or sim.end]
        spent: dict[str, float] = {}
        for (start, tier), stop in zip(truth.tiers, ends, strict=True):
            if stop > start:
                spent[tier] = spent.get(tier, 0) + stop - start
        assert v["time_in_tier"] == spent
        assert v["waiting_seconds"] == sum(end - start for start, end in truth.waits)
        if truth.priority != v["expected_priority"]:
            deviated.add(truth.key)
    found = {key for key, v in verdicts.items() if not v["conformant"]}
    assert deviated and found == deviated  # exactly the injected deviations, and nothing else
    assert all([d["kind"] for d in verdicts[key]["deviations"]] == ["priority"] for key in found)


def test_a_scenario_that_names_what_the_process_does_not_have_is_reported_where(tmp_path: Path) -> None:
    text = (Path(sys.modules["cep.simulate.scenario"].__file__).parent / "default.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "load.yaml"
    bad.write_text(text.replace("  tier-2-po: {people: 1, calendar: business-hours}", "  tier-2-qa: {people: 1}"))
    done = _cep(tmp_path, "simulate", "--process", str(PROCESS), "--scenario", "load.yaml", "--days", "1")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    line = bad.read_text().splitlines().index("  tier-2-qa: {people: 1}") + 1
    assert f"load.yaml:{line}:3: error: unknown tier 'tier-2-qa'" in done.stderr
    schema = tmp_path / "schema.yaml"
    schema.write_text(text.replace("per_week: 120", "per_week: lots"))
    done = _cep(tmp_path, "simulate", "--process", str(PROCESS), "--scenario", "schema.yaml")
    assert done.returncode == 1 and "schema.yaml:" in done.stderr and "Traceback" not in done.stderr


def test_a_sweep_says_what_fails_first_and_the_staff_that_holds(process, tmp_path: Path) -> None:
    done = _cep(
        tmp_path,
        "simulate",
        "--process",
        str(PROCESS),
        "--days",
        "14",
        "--replications",
        "2",
        "--sweep",
        "volume=1x,3x",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    low, high = result["volumes"]
    assert (low["volume"], high["volume"]) == (1.0, 3.0)
    assert high["summary"]["per_week"] == 3 * low["summary"]["per_week"]
    assert high["fails_first"]  # three times the load breaks something at today's staff
    assert high["smallest_staff"] and sum(high["smallest_staff"].values()) >= sum(low["smallest_staff"].values())


def test_scenario_type_is_used(process) -> None:
    assert isinstance(load_scenario(None, process), Scenario)
