"""`cep check`'s rule analysis: the default process against `cep validate` (its floor: loading the same definition),
and a synthetic definition of 12 fields with 10 values each (10^12 possible tickets) and 300 triggers, whose goal
is under 2 seconds. The synthetic runs in a child process with a time limit so that a regression shows as a
figure instead of hanging the benchmark."""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time

from common import BIN, ROOT, median_seconds, report

LIMIT = 60  # seconds for all the synthetic runs together
RUNS = 5


def synthetic(fields: int = 12, values: int = 10, triggers: int = 300):  # -> (Space, list[Rule])
    sys.path.insert(0, str(ROOT / "scripts"))
    from cep.analysis.boxes import Rule, Space

    rng = random.Random(12)
    space = Space({f"f{n}": tuple(range(values)) for n in range(fields)})
    rules = []
    for n in range(triggers):
        constrained = rng.sample(range(fields), rng.randint(2, 4))
        box = space.box({f"f{i}": rng.sample(range(values), rng.randint(1, 5)) for i in constrained})
        rules.append(Rule(f"t{n}", [box] if box else []))
    return space, rules


def timed_synthetic() -> None:
    from cep.analysis.boxes import analyse

    space, rules = synthetic()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = analyse(space, rules)
        times.append(time.perf_counter() - start)
    print(
        f"median {statistics.median(times):.3f} s of {RUNS} runs; {len(result.shadowed)} shadowed, "
        f"{len(result.overlaps)} overlapping pairs, {sum(n is None for n in result.fires.values())} of "
        f"{len(rules)} trigger counts too fragmented to count, gap {'found' if result.gap_example else 'empty'}"
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["synthetic"]:
        timed_synthetic()
        sys.exit(0)
    floor = median_seconds([str(BIN / "cep"), "validate"], runs=RUNS)
    measured = median_seconds([str(BIN / "cep"), "check"], runs=RUNS)
    report("cep check, default process (floor: cep validate)", measured, floor)
    try:
        done = subprocess.run([sys.executable, __file__, "synthetic"], capture_output=True, text=True, timeout=LIMIT)
        print(f"analysis, synthetic 10^12 tickets and 300 triggers (goal: under 2 s): {done.stdout.strip()}")
    except subprocess.TimeoutExpired:
        print(f"analysis, synthetic 10^12 tickets and 300 triggers: did not finish {RUNS} runs within {LIMIT} s")
