"""`cep check`'s rule analysis: the default process against `cep validate` (its floor: loading the same definition);
a synthetic space of 12 fields with 10 values each (10^12 possible tickets) and 300 triggers; and 300 triggers, a
third of them on `priority`, over two processes made from the default one: the largest ticket space a definition
file can hold (125 categories x 200 urgency levels x 200 impact levels x reproduced, 10^7 tickets, the matrix's
40,000 cells within the 2 MiB file limit) and a 10^12 space (2,000,000 categories x 500 x 500 x 2). Each goal is
under 2 seconds. Synthetic runs are in a child process with a time limit, so that a regression shows as a figure
instead of hanging the benchmark."""

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


def big_process(categories: int, levels: int, triggers: int = 300):  # -> Process
    """The default process with its ticket space scaled up. Its matrix comes in bands, as a real one does when
    each level is split finely: the priority follows the urgency and impact bands (the default matrix's cells);
    a few categories carry floors."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from msgspec.structs import replace

    from cep.definition.loader import load_process
    from cep.definition.model import Category, Condition, Floor, Level, Trigger

    base = load_process(ROOT / "process" / "escalation.yaml")
    at = base.categories[0].location
    rng = random.Random(21)
    cats = tuple(Category(f"c{n}", f"C{n}", "-", at) for n in range(categories))
    urgency = tuple(Level(f"u{n}", f"U{n}", "-", at) for n in range(levels))
    impact = tuple(Level(f"i{n}", f"I{n}", "-", at) for n in range(levels))
    bands = len(base.urgency)
    rows, columns = [u.id for u in base.urgency], [i.id for i in base.impact]
    matrix = {
        (u.id, i.id): base.matrix[(rows[n * bands // levels], columns[m * bands // levels])]
        for n, u in enumerate(urgency)
        for m, i in enumerate(impact)
    }
    floors = tuple(Floor(f"c{n}", "P2", "-", at) for n in range(0, categories, max(1, categories // 3)))
    # what priority conditions ask in practice: the most urgent, the two most urgent, the two least
    ids = [p.id for p in base.priorities]
    priority_sets = (ids[:1], ids[:2], ids[-2:])
    made = []
    for n in range(triggers):
        # as written triggers are: on a few categories, a third of them for some priorities only
        terms: dict[str, frozenset] = {"category": frozenset(c.id for c in rng.sample(cats, rng.randint(1, 5)))}
        if n % 3 == 0:
            terms["priority"] = frozenset(rng.choice(priority_sets))
        if rng.random() < 0.5:
            terms["urgency"] = frozenset(u.id for u in rng.sample(urgency, rng.randint(1, levels // 2)))
        if rng.random() < 0.3:
            terms["reproduced"] = frozenset({rng.random() < 0.5})
        when = Condition(tuple(sorted(terms.items())))
        made.append(Trigger(f"t{n}", f"T{n}", "-", when, base.triggers[0].route, (), base.triggers[0].template, (), at))
    return replace(
        base, categories=cats, urgency=urgency, impact=impact, matrix=matrix, floors=floors, triggers=tuple(made)
    )


def timed_priority(categories: int, levels: int) -> None:
    from cep.analysis.boxes import analyse
    from cep.analysis.check import ticket_space, trigger_rules

    process = big_process(categories, levels)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        space = ticket_space(process)
        result = analyse(space, trigger_rules(process, space))
        times.append(time.perf_counter() - start)
    size = categories * levels * levels * 2
    print(
        f"median {statistics.median(times):.3f} s of {RUNS} runs on {size:.1e} tickets; {len(result.shadowed)} "
        f"shadowed, {len(result.overlaps)} overlapping pairs"
    )


def child(arguments: list[str], name: str) -> None:
    try:
        done = subprocess.run(
            [sys.executable, __file__, *arguments], capture_output=True, text=True, timeout=LIMIT, check=True
        )
        print(f"{name} (goal: under 2 s): {done.stdout.strip()}")
    except subprocess.TimeoutExpired:
        print(f"{name}: did not finish {RUNS} runs within {LIMIT} s")


if __name__ == "__main__":
    if sys.argv[1:] == ["synthetic"]:
        timed_synthetic()
        sys.exit(0)
    if sys.argv[1:2] == ["priority"]:
        timed_priority(int(sys.argv[2]), int(sys.argv[3]))
        sys.exit(0)
    floor = median_seconds([str(BIN / "cep"), "validate"], runs=RUNS)
    measured = median_seconds([str(BIN / "cep"), "check"], runs=RUNS)
    report("cep check, default process (floor: cep validate)", measured, floor)
    child(["synthetic"], "analysis, synthetic 10^12 tickets and 300 triggers")
    child(["priority", "125", "200"], "analysis, 300 triggers with priority conditions, largest definition")
    child(["priority", "2000000", "500"], "analysis, 300 triggers with priority conditions, 10^12 tickets")
