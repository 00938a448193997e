"""`cep jira plan/apply/drift` against a stateful fake site that checks every request and answer against
Atlassian's platform spec: apply twice makes no write the second time, a failure part-way resumes, and a change
made by hand is drift."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fake_site import CLOUD, SERVER, FakeSite

from cep.definition.loader import load_process
from cep.definition.model import Process
from cep.jira.bundle import jira_bundle
from cep.jira.site.command import jira_site
from project import PROCESS

ENV = {"JIRA_URL": SERVER, "JIRA_EMAIL": "admin@example.com", "JIRA_API_TOKEN": "not-a-real-token-51d"}


@pytest.fixture(scope="module")
def process() -> Process:
    return load_process(PROCESS)


def _run(process: Process, site: FakeSite, mode: str, capsys, env: dict[str, str] | None = None) -> tuple[int, Any]:
    code = jira_site(process, "SUP", mode, "json", environ={**ENV, **(env or {})}, transport=site.transport())
    out = capsys.readouterr().out
    return code, json.loads(out) if out.startswith("{") else out


def _writes(site: FakeSite) -> int:
    reads = ("/search", "/validation", "/parse")
    return sum(1 for method, path in site.requests if method != "GET" and not path.endswith(reads))


def test_apply_twice_writes_nothing_the_second_time(process: Process, capsys) -> None:
    site = FakeSite()
    code, plan = _run(process, site, "plan", capsys)
    assert code == 0 and plan["differs"] and _writes(site) == 0
    code, _ = _run(process, site, "apply", capsys)
    assert code == 0 and _writes(site) > 0
    assert [s["name"] for s in site.statuses].count("Resolved") == 1  # JSM's own status reused
    site.requests.clear()
    code, again = _run(process, site, "apply", capsys)
    assert code == 0 and _writes(site) == 0
    assert set(again["total"]) <= {"keep", "wait", "check"}, again["total"]
    waiting = [s for s in again["steps"] if s["action"] not in ("keep", "check")]
    assert all(s["action"] == "wait" and "by hand" in s["detail"] for s in waiting), waiting
    assert {s["section"] for s in waiting} == {"SLA metrics", "filters", "queues"}
    assert {s["detail"] for s in again["steps"] if s["section"] == "JQL"} == {"checked by Jira's jql/parse"}
    fields = {f["id"] for f in site.fields}
    assert all({f["id"] for f in screen["fields"]} == fields for screen in site.screens.values())
    assert [(r["name"], r["issueTypeId"]) for r in site.desk_requesttypes] == [
        ("Support request", next(t["id"] for t in site.issue_types if t["name"] == "Support request"))
    ]
    rules = list(site.rules.values())
    posting = [r for r in rules if "SLACK_WEBHOOK_URL_" in json.dumps(r)]
    assert posting and all(r["state"] == "DISABLED" for r in posting)  # no webhook URL given: never live
    assert all(r["state"] == "ENABLED" for r in rules if r not in posting)
    assert all(r["ruleScopeARIs"] == [f"ari:cloud:jira:{CLOUD}:project/10000"] for r in rules)


def test_webhooks_enable_the_rules_and_are_never_printed(process: Process, capsys) -> None:
    site = FakeSite()
    hooks = {
        f"SLACK_WEBHOOK_URL_{c.id.upper().lstrip('#').replace('-', '_')}": f"https://hooks.example/{n}"
        for n, c in enumerate(process.channels)
    }
    code, out = _run(process, site, "apply", capsys, hooks)
    assert code == 0
    assert all(r["state"] == "ENABLED" for r in site.rules.values() if r["trigger"]["type"] != "jira.jql.scheduled")
    assert "hooks.example" not in json.dumps(out) and ENV["JIRA_API_TOKEN"] not in json.dumps(out)
    site.requests.clear()
    code, _ = _run(process, site, "apply", capsys)  # without the URLs: the ones on the site are kept
    assert code == 0 and _writes(site) == 0


def test_a_failure_part_way_resumes(process: Process, capsys) -> None:
    site = FakeSite()
    site.fail_on = lambda method, path: method == "POST" and path == "/rest/api/3/workflows/create"
    code = jira_site(process, "SUP", "apply", environ=ENV, transport=site.transport())
    captured = capsys.readouterr()
    assert code == 1 and "stopped at workflow" in captured.err and "Run `cep jira apply` again" in captured.err
    assert site.fields and not site.workflows and not site.rules
    site.fail_on = lambda method, path: False
    code, _ = _run(process, site, "apply", capsys)
    assert code == 0 and site.workflows and site.rules
    names = [f["name"] for f in site.fields]
    assert len(names) == len(set(names))  # resumed, not duplicated
    site.requests.clear()
    assert _run(process, site, "apply", capsys)[0] == 0 and _writes(site) == 0


def test_drift_finds_a_change_made_by_hand(process: Process, capsys) -> None:
    site = FakeSite()
    assert _run(process, site, "apply", capsys)[0] == 0
    site.filters[0]["jql"] = "project = SUP"
    site.priorities[-1]["statusColor"] = "#000000"
    code, drift = _run(process, site, "drift", capsys)
    assert code == 1
    changed = {(s["section"], s["action"]) for s in drift["steps"] if s["action"] == "update"}
    assert changed == {("filters", "update"), ("priorities", "update")}
    site.requests.clear()
    _run(process, site, "drift", capsys)
    assert _writes(site) == 0


def test_a_query_jira_refuses_is_never_written(process: Process, capsys) -> None:
    site = FakeSite()
    site.refuse_jql = lambda query: '"tier-3"' in query
    code, out = _run(process, site, "apply", capsys)
    assert code == 0
    refused = {(s["section"], s["name"]) for s in out["steps"] if "refused" in s["detail"]}
    assert ("filters", "CEP queue: Tier 3 — Development") in refused
    assert ("JQL", "filter CEP queue: Tier 3 — Development") in refused
    assert {f["name"] for f in site.filters} == {
        "CEP queue: Tier 1 — Customer Support",
        "CEP queue: Tier 2 (level 1) — Project Manager",
        "CEP queue: Tier 2 (level 2) — Product Owner",
    }
    assert _run(process, site, "drift", capsys)[0] == 1


def test_the_admin_page_lists_the_sections_apply_goes_through(process: Process, capsys) -> None:
    from cep.manual.jira_page import _plan_rows

    site = FakeSite()
    _, plan = _run(process, site, "plan", capsys)
    sections = list(dict.fromkeys(s["section"] for s in plan["steps"]))
    assert [row[0] for row in _plan_rows(jira_bundle(process, [2026, 2027]), 1, len(process.clocks))] == sections
