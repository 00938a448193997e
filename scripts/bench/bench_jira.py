"""`cep jira plan` and `apply` against the tests' stateful fake site (which checks every request against
Atlassian's spec), in process. The floor: the same requests sent straight to a fresh fake, without cep, so the
ratio is what cep itself adds to the site's (here, the fake's) work. Also prints the plan for a new project,
section by section, and the writes of a second apply (which must be 0)."""

from __future__ import annotations

import contextlib
import io
import json
import statistics
import sys
import time
from collections import Counter

from common import ROOT

RUNS = 5
sys.path[:0] = [str(ROOT / "tests" / "jira"), str(ROOT / "tests"), str(ROOT / "scripts")]

import httpx  # noqa: E402
from fake_site import SERVER, FakeSite  # noqa: E402

from cep.definition.loader import load_process  # noqa: E402
from cep.jira.site.command import jira_site  # noqa: E402

ENV = {"JIRA_URL": SERVER, "JIRA_EMAIL": "bench@example.com", "JIRA_API_TOKEN": "not-a-token"}
PROCESS = load_process(ROOT / "process" / "escalation.yaml")


def cep(mode: str, site: FakeSite) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = jira_site(PROCESS, "SUP", mode, "json", environ=ENV, transport=site.transport())
    assert code == 0, out.getvalue()
    return json.loads(out.getvalue())


def replay(requests: list[httpx.Request], site: FakeSite) -> None:
    with httpx.Client(transport=site.transport()) as client:
        for request in requests:
            client.send(request)


def writes(requests: list[httpx.Request]) -> int:
    return sum(
        1 for r in requests if r.method != "GET" and not r.url.path.endswith(("/search", "/validation", "/parse"))
    )


def timed(action) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def one_round() -> dict[str, tuple[float, float, list[httpx.Request]]]:
    """Each command's time, its floor's, and its requests, on a new project (apply again: on the applied one)."""
    found = {}
    site = FakeSite()
    seconds = timed(lambda: cep("plan", site))
    found["plan"] = (seconds, timed(lambda: replay(site.sent, FakeSite())), list(site.sent))
    site = FakeSite()
    seconds = timed(lambda: cep("apply", site))
    first = list(site.sent)
    found["apply (new project)"] = (seconds, timed(lambda: replay(first, FakeSite())), first)
    seconds = timed(lambda: cep("apply", site))
    again = site.sent[len(first) :]
    applied = FakeSite()
    replay(first, applied)
    found["apply again (no change)"] = (seconds, timed(lambda: replay(again, applied)), again)
    return found


def main() -> None:
    rounds = [one_round() for _ in range(RUNS + 1)][1:]  # the first round warms caches (the spec, the JQL parser)
    plan = cep("plan", FakeSite())
    sections = Counter(step["section"] for step in plan["steps"])
    print("plan for a new project: " + "; ".join(f"{name} {n}" for name, n in sections.items()))
    print(f"plan totals: {plan['total']}; by hand: {len(plan['byHand'])} steps")
    for name in rounds[0]:
        requests = rounds[0][name][2]
        measured = statistics.median(r[name][0] for r in rounds)
        floor = statistics.median(r[name][1] for r in rounds)
        print(
            f"cep jira {name}: {len(requests)} requests, {writes(requests)} writes; median {measured:.3f} s of {RUNS}, "
            f"floor (the same requests sent without cep) {floor:.3f} s, ratio {measured / floor:.2f}"
        )


if __name__ == "__main__":
    main()
