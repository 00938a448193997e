"""`cep check`'s rule analysis: the default process, and a synthetic definition of 12 fields with 10 values each
(10^12 possible tickets) and 300 triggers (run in a child process with a time limit, since it is not yet fast)."""

from __future__ import annotations

import random
import subprocess
import sys
import time

from common import BIN, ROOT, median_seconds

LIMIT = 60


def synthetic(fields: int = 12, values: int = 10, triggers: int = 300):  # -> (Space, list[Rule])
    sys.path.insert(0, str(ROOT / "scripts"))
    from cep.analysis import Rule, Space

    rng = random.Random(12)
    space = Space({f"f{n}": tuple(range(values)) for n in range(fields)})
    rules = []
    for n in range(triggers):
        constrained = rng.sample(range(fields), rng.randint(2, 4))
        box = space.box({f"f{i}": rng.sample(range(values), rng.randint(1, 5)) for i in constrained})
        rules.append(Rule(f"t{n}", [box] if box else []))
    return space, rules


def timed_synthetic() -> None:
    from cep.analysis import analyse

    space, rules = synthetic()
    start = time.perf_counter()
    result = analyse(space, rules)
    print(f"{time.perf_counter() - start:.3f} s, {len(result.shadowed)} shadowed, {len(result.overlaps)} overlaps")


if __name__ == "__main__":
    if sys.argv[1:] == ["synthetic"]:
        timed_synthetic()
        sys.exit(0)
    default = median_seconds([str(BIN / "cep"), "check"], runs=5)
    print(f"cep check, default process (whole command): median {default:.3f} s")
    try:
        done = subprocess.run([sys.executable, __file__, "synthetic"], capture_output=True, text=True, timeout=LIMIT)
        print(f"synthetic 12 fields x 10 values, 300 triggers: {done.stdout.strip()}")
    except subprocess.TimeoutExpired:
        print(f"synthetic 12 fields x 10 values, 300 triggers: did not finish within {LIMIT} s (goal: under 2 s)")
