"""`make mutate` (python -m cep.mutation [--process FILE] [--features DIR] [--only definition|code]): how much
of the process the executable specification guards. Each mutant — a valid definition with one change, or the
router, calendars or ticket parser with one change — runs the features alone; a mutant is killed when a scenario
fails. Prints the kill rates and every survivor. A definition mutant no ticket can tell apart from the original
(the same decisions, deadlines and breach actions for every kind of ticket at sample moments) is equivalent and
counted apart; so is a code mutant listed, with its reason, in `equivalent.py` (`--match TEXT` runs only the code
mutants whose description holds TEXT)."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from itertools import product
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from ..definition import DEFAULT_PROCESS
from ..definition.loader import load_process
from ..definition.model import Process
from ..problems import InvalidProcess
from ..routing.router import Router
from ..routing.tickets import Ticket
from .code import CodeMutant, code_mutants
from .definition import definition_mutants
from .equivalent import equivalent_reason, unobservable_reason

PACKAGE = Path(__file__).resolve().parent.parent


def _features_fail(process: Path, features: Path, package: Path = PACKAGE) -> bool:
    """Whether a scenario fails with this definition and this copy of cep (its own scenarios module: pytest
    refuses a test file whose module was imported from elsewhere)."""
    env = {**os.environ, "CEP_PROCESS": str(process.resolve()), "CEP_FEATURES": str(features.resolve())}
    if package != PACKAGE:
        env["PYTHONPATH"] = str(package.parent) + os.pathsep + env.get("PYTHONPATH", "")
    scenarios = package / "spec" / "scenarios.py"
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-p", "cep.spec.steps"]
    done = subprocess.run([*command, str(scenarios)], env=env, capture_output=True, text=True, timeout=600)
    return done.returncode != 0


def _behaviour(process: Process) -> list[object]:
    """What every kind of ticket gets at sample moments, at every tier, with and without a code change:
    decisions, deadlines, clock states and actions; and for each template, what is missing when each field is
    left out."""
    router, zone = Router(process), ZoneInfo(process.calendars[0].time_zone)
    starts = [datetime(2026, 12, d, h, tzinfo=zone) for d, h in ((2, 7), (2, 10), (4, 16), (5, 11), (15, 16))]
    out: list[object] = []
    kinds = list(product(process.categories, process.urgency, process.impact, (False, True)))
    for (c, u, i, r), start, tier, code in product(kinds, starts, process.tiers, (False, True)):
        ticket = Ticket("t", c.id, u.id, i.id, start, r, tier.id, needs_code_change=code)
        decision = router.route(ticket)
        out.append((decision.route, decision.priority, decision.notify, tuple(decision.due.items())))
        for later in (timedelta(hours=3), timedelta(days=2), timedelta(days=20)):
            judged = router.route(ticket, start + later).clocks or ()
            out.append(tuple((s.name, s.state, s.action) for s in judged))
    for (c, u, i, r), template in product(kinds, process.templates):
        ticket = Ticket("t", c.id, u.id, i.id, starts[0], r, process.default_route.tier)
        for left_out in template.fields:
            given = {f.id: "given" for f in template.fields if f is not left_out}
            out.append(router.missing_fields(template, ticket._replace(fields=given), "P1"))
    return out


def run_definitions(path: Path, features: Path, jobs: int) -> tuple[int, int, list[str], list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if _features_fail(path, features):  # or every mutant would look killed
        raise SystemExit("make mutate: error: the features fail with the definition as it is; fix that first")
    original = _behaviour(load_process(path))
    work = Path(tempfile.mkdtemp(prefix="cep-mutants-"))  # mutants are checked with the schema cep comes with
    candidates = []
    try:
        for n, (what, mutant) in enumerate(definition_mutants(data)):
            file = work / f"mutant-{n}.yaml"
            file.write_text(yaml.safe_dump(mutant, allow_unicode=True, sort_keys=False), encoding="utf-8")
            try:
                process = load_process(file)
            except InvalidProcess:
                continue  # not a valid definition: cep validate would stop it before the features run
            candidates.append((what, file, _behaviour(process) == original))
        equivalent = [what for what, _, same in candidates if same]
        live = [(what, file) for what, file, same in candidates if not same]
        with ThreadPoolExecutor(jobs) as pool:
            killed = list(pool.map(lambda m: _features_fail(m[1], features), live))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    survivors = [what for (what, _), dead in zip(live, killed, strict=True) if not dead]
    return len(live), sum(killed), survivors, equivalent


def run_code(path: Path, features: Path, jobs: int, match: str) -> tuple[list[str], list[str], list[str], list[str]]:
    """Killed, survivors, equivalent (each with its reason) and wrongly listed as equivalent: killed all the same."""
    mutants = [m for m in code_mutants(PACKAGE) if match in str(m)]

    def one(mutant: CodeMutant | None) -> bool:
        with tempfile.TemporaryDirectory(prefix="cep-code-mutant-") as tmp:
            copy = Path(tmp) / "cep"
            shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "standard"))
            if mutant is not None:
                (copy / mutant.module).write_text(mutant.source, encoding="utf-8")
            return _features_fail(path, features, copy)

    if one(None):  # the copy itself must pass, or every mutant would look killed
        raise SystemExit("make mutate: error: the features fail with an unchanged copy of cep; fix that first")

    with ThreadPoolExecutor(jobs) as pool:
        killed = list(pool.map(one, mutants))
    out: tuple[list[str], list[str], list[str], list[str]] = ([], [], [], [])
    for mutant, dead in zip(mutants, killed, strict=True):
        why = equivalent_reason(mutant)
        if why is None:
            here = unobservable_reason(mutant)
            out[0 if dead else 1].append(str(mutant) + (f" (not seen here: {here})" if here and not dead else ""))
        else:
            out[3 if dead else 2].append(f"{mutant}: {why}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m cep.mutation", description=__doc__)
    parser.add_argument("--process", type=Path, default=DEFAULT_PROCESS)
    parser.add_argument("--features", type=Path, default=Path("features"))
    parser.add_argument("--only", choices=("definition", "code"))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--match", default="", help="only the code mutants whose description holds this text")
    args = parser.parse_args()
    os.environ.setdefault("CEP_CACHE_DIR", "")  # every mutant is a new definition: the cache would only fill up
    if args.only in (None, "definition"):
        total, killed, survivors, equivalent = run_definitions(args.process, args.features, args.jobs)
        print(
            f"definition mutants: {killed} of {total} killed ({killed / max(total, 1):.0%}); "
            f"{len(equivalent)} equivalent (no ticket can tell them apart)"
        )
        for what in survivors:
            print(f"  survived: {what}")
        for what in equivalent:
            print(f"  equivalent: {what}")
    if args.only in (None, "code"):
        killed, survivors, equivalent, wrong = run_code(args.process, args.features, args.jobs, args.match)
        total = len(killed) + len(survivors)
        print(
            f"code mutants: {len(killed)} of {total} killed ({len(killed) / max(total, 1):.0%}); "
            f"{len(equivalent)} equivalent (listed in cep/mutation/equivalent.py, with why, as are the survivors "
            "this process's definition cannot show)"
        )
        for what in survivors:
            print(f"  survived: {what}")
        for what in equivalent:
            print(f"  equivalent: {what}")
        for what in wrong:
            print(f"  killed, yet listed as equivalent (take it off the list): {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
