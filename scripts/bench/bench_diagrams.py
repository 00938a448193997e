"""Rendering time of the four diagrams for the default process, and for a synthetic process with 40 tiers and
400 triggers, to show how the cost grows."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml
from common import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from cep.definition import DEFAULT_PROCESS
from cep.definition.loader import load_process, schema_for
from cep.diagrams import DIAGRAMS, render

SCHEMA = schema_for(ROOT / DEFAULT_PROCESS)


def synthetic(path: Path, tiers: int, triggers: int) -> Path:
    data = yaml.safe_load((ROOT / DEFAULT_PROCESS).read_text(encoding="utf-8"))
    data["process"]["last_reviewed"] = str(data["process"]["last_reviewed"])
    roles = [r["id"] for r in data["roles"]]
    data["tiers"] += [
        {
            "id": f"tier-x{n}",
            "name": f"Extra tier {n}",
            "short_name": f"X{n}",
            "owner": roles[n % 5],
            "summary": "Synthetic.",
            "talks_to_customers": False,
        }
        for n in range(tiers - len(data["tiers"]))
    ]
    categories = [c["id"] for c in data["categories"]]
    urgency = [u["id"] for u in data["urgency"]]
    data["triggers"] += [
        {
            "id": f"synthetic-{n}",
            "name": f"Synthetic trigger {n}",
            "summary": "Synthetic.",
            "when": {"category": [categories[n % 7]], "urgency": [urgency[n % 4]]},
            "route": f"tier-x{n % (tiers - 4)}",
            "notify": ["#cep-escalations"],
            "template": "escalation-report",
        }
        for n in range(triggers - len(data["triggers"]))
    ]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def median_render(process, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for name in DIAGRAMS:
            render(process, name)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    default = load_process(ROOT / DEFAULT_PROCESS, SCHEMA)
    base = median_render(default)
    with tempfile.TemporaryDirectory() as tmp:
        big = load_process(synthetic(Path(tmp) / "big.yaml", 40, 400), SCHEMA)
        large = median_render(big, runs=3)
    print(
        f"four diagrams, default process ({len(default.tiers)} tiers, {len(default.triggers)} triggers): "
        f"median {base:.3f} s"
    )
    print(
        f"four diagrams, synthetic process (40 tiers, 400 triggers): median {large:.3f} s, "
        f"{large / base:.1f}x the default"
    )
