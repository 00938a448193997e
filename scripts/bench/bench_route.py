"""Routing throughput of `cep route --format jsonl` on 100,000 generated tickets, against the floor of only
reading and writing the same JSON lines."""

from __future__ import annotations

import json
import random
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from common import BIN, ROOT, median_seconds

from cep.loader import load_process
from cep.route_jsonl import default_jobs

COUNT = 100_000
# Two floors: decode and re-encode every line (what cep route must at least do), and decode every line but write it
# back unchanged (the cheaper reading of "read and write the same lines"; the issue's ~375,000/s matches it).
FLOOR = "import json, sys\nfor line in open(sys.argv[1]):\n    sys.stdout.write(json.dumps(json.loads(line)) + '\\n')\n"
FLOOR_RAW = "import json, sys\nfor line in open(sys.argv[1]):\n    json.loads(line)\n    sys.stdout.write(line)\n"


def generate(path: Path) -> None:
    """Tickets of every kind the default process knows, created at random minutes of a year."""
    process = load_process(ROOT / "process" / "escalation.yaml", ROOT / "process" / "schema" / "process.schema.json")
    categories, urgency, impact = (list(process.domains()[f]) for f in ("category", "urgency", "impact"))
    rng = random.Random(7)
    start = datetime.fromisoformat("2026-01-05T00:00:00+02:00")
    with path.open("w") as out:
        for n in range(COUNT):
            created = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
            ticket = {
                "id": f"T{n}",
                "category": rng.choice(categories),
                "urgency": rng.choice(urgency),
                "impact": rng.choice(impact),
                "created": created.isoformat(),
                "reproduced": rng.random() < 0.5,
            }
            out.write(json.dumps(ticket) + "\n")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        tickets = Path(tmp) / "tickets.jsonl"
        floor_script = Path(tmp) / "floor.py"
        generate(tickets)
        floor_script.write_text(FLOOR)
        floor = median_seconds([sys.executable, str(floor_script), str(tickets)], runs=5)
        floor_script.write_text(FLOOR_RAW)
        raw = median_seconds([sys.executable, str(floor_script), str(tickets)], runs=5)
        routed = median_seconds([str(BIN / "cep"), "route", "--format", "jsonl", str(tickets)], runs=5)
        alone = median_seconds([str(BIN / "cep"), "route", "--jobs", "1", "--format", "jsonl", str(tickets)], runs=5)
    cores = default_jobs()
    print(
        f"cep route ({cores} cores): median {routed:.2f} s = {COUNT / routed:,.0f} tickets/s; "
        f"floor (read+write JSON lines) {floor:.2f} s = {COUNT / floor:,.0f} tickets/s; "
        f"throughput ratio {floor / routed:.2f} (goal >= 0.5)"
    )
    print(f"  floor (decode, write lines unchanged) {raw:.2f} s = {COUNT / raw:,.0f}/s; ratio {raw / routed:.2f}")
    print(f"  one process (--jobs 1): {alone:.2f} s = {COUNT / alone:,.0f} tickets/s; ratio {floor / alone:.2f}")
