"""Routing throughput of `cep route --format jsonl` on 100,000 generated tickets, against the floor of only
reading and writing the same JSON lines."""

from __future__ import annotations

import json
import random
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from common import BIN, ROOT, interleaved_medians

from cep.definition import DEFAULT_PROCESS
from cep.definition.loader import load_process
from cep.parallel.pieces import default_jobs

COUNT = 100_000
# The floor: decode every line and write it back unchanged (reading and writing the same lines; the issue's
# "about 375,000 tickets/s" is this one). Shown beside it, a floor that also re-encodes each line.
_LOOP = "import json, sys\nfor line in open(sys.argv[1]):\n    "
FLOOR = _LOOP + "json.loads(line)\n    sys.stdout.write(line)\n"
FLOOR_ENCODE = _LOOP + "sys.stdout.write(json.dumps(json.loads(line)) + '\\n')\n"


def generate(path: Path) -> None:
    """Tickets of every kind the default process knows, created at random minutes of a year."""
    process = load_process(ROOT / DEFAULT_PROCESS)
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
        generate(tickets)
        floors = []
        for name, script in (("floor.py", FLOOR), ("floor_encode.py", FLOOR_ENCODE)):
            (Path(tmp) / name).write_text(script)
            floors.append([sys.executable, str(Path(tmp) / name), str(tickets)])
        route = [str(BIN / "cep"), "route", "--format", "jsonl", str(tickets)]
        floor, encode, routed, alone = interleaved_medians([*floors, route, [*route[:2], "--jobs", "1", *route[2:]]], 7)
    rate = lambda seconds: f"{seconds:.2f} s = {COUNT / seconds:,.0f} tickets/s"  # noqa: E731
    print(
        f"cep route --format jsonl ({default_jobs()} cores): median {rate(routed)}; floor (read and write the same "
        f"JSON lines) {rate(floor)}; throughput ratio {floor / routed:.2f} (goal >= 0.5)"
    )
    print(f"  one process (--jobs 1): {rate(alone)}; ratio {floor / alone:.2f}")
    print(f"  floor that also re-encodes each line: {rate(encode)}; ratios {encode / routed:.2f}, {encode / alone:.2f}")
