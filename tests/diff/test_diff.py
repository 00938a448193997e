"""`cep diff`: hand-made pairs of definitions give exactly the expected sections and counts; git revisions work;
the behavioural counts agree with routing every kind of ticket through both definitions."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cep.definition.model import Process
from cep.routing.router import Router
from project import PROCESS, SCHEMA, build_manual, copy_project, git, load_changed

FIELDS = ("category", "urgency", "impact", "reproduced")
VERSION = yaml.safe_load(PROCESS.read_text(encoding="utf-8"))["process"]["version"]  # the default's, whatever it is


def routed_differently(old: Process, new: Process) -> int:
    """The oracle: every kind of ticket through both real routers, one by one."""
    routers = [Router(p) for p in (old, new)]
    domains = old.domains()
    changed = 0
    for kind in itertools.product(*(domains[f] for f in FIELDS)):
        outcomes = {(p.priority, p.route, p.notify) for r in routers for p in [r.path(*kind, r.triage_tier, False)]}
        changed += len(outcomes) > 1
    return changed


def definition_file(tmp_path: Path, name: str, change: Callable[[dict[str, Any]], None]) -> Path:
    (tmp_path / name).mkdir()
    load_changed(tmp_path / name, change)  # proves the changed definition valid
    return tmp_path / name / "escalation.yaml"


def diff_json(run_cli, old: Path, new: Path) -> dict[str, Any]:
    result = run_cli("diff", str(old), str(new), "--format", "json")
    assert result.code == 0, result
    return json.loads(result.out)


def unchanged(data: dict[str, Any]) -> None:
    pass


def sla(data: dict[str, Any]) -> None:
    next(p for p in data["priorities"] if p["id"] == "P2")["first_response"] = "2 business hours"


def critical_first(data: dict[str, Any]) -> None:
    triggers = data["triggers"]
    triggers.insert(0, triggers.pop(next(i for i, t in enumerate(triggers) if t["id"] == "critical-unresolved")))
    data["process"]["version"] = "9.0.0"


def swap_disjoint(data: dict[str, Any]) -> None:
    triggers = data["triggers"]
    triggers[0], triggers[1] = triggers[1], triggers[0]  # an outage is never a bug: nothing can change


def rename_channel(data: dict[str, Any]) -> None:
    text = json.dumps(data).replace('"#cep-escalations"', '"#cep-escalated"')
    data.clear()
    data.update(json.loads(text))


@pytest.fixture
def pair(tmp_path: Path):
    def make(change: Callable[[dict[str, Any]], None]) -> tuple[Path, Path]:
        return definition_file(tmp_path, "old", unchanged), definition_file(tmp_path, "new", change)

    return make


def load(path: Path) -> Process:
    from cep.definition.loader import load_process

    return load_process(path, SCHEMA)


def test_an_sla_change_is_a_time_goal_change_and_nothing_else(pair, run_cli) -> None:
    old, new = pair(sla)
    report = diff_json(run_cli, old, new)
    assert [(c["section"], c["kind"], c["subject"], c["detail"], c["old"], c["new"]) for c in report["definition"]] == [
        ("Time goals", "changed", "priority 'P2' (High)", "first response", "4 business hours", "2 business hours")
    ]
    assert report["behaviour"]["changed"] == 0 and report["behaviour"]["unchanged"] == 224
    paths = [c["path"] for c in report["jira"]]
    assert "serviceManagement.slaMetrics[name=Time to first response].goals[1].target" in paths
    version = load(old).meta.version
    assert report["warnings"] == [
        f"time goals change, but the process version is still {version}: raise process.version"
    ]
    markdown = run_cli("diff", str(old), str(new))
    expected = "#### Time goals\n\n- priority 'P2' (High): first response 4 business hours → 2 business hours\n"
    assert expected in markdown.out
    assert "224 of 224 kinds of ticket get the same priority, route and notifications as before." in markdown.out
    assert "| Kinds of ticket |" not in markdown.out
    assert "cep diff: warning: time goals change" in markdown.err


def test_a_reordered_trigger_that_changes_routes(pair, run_cli) -> None:
    old, new = pair(critical_first)
    report = diff_json(run_cli, old, new)
    moved = [c for c in report["definition"] if c["kind"] == "moved"]
    assert [(c["subject"], c["old"], c["new"]) for c in moved] == [
        (
            "trigger 'critical-unresolved' (Critical, unresolved at Tier 1)",
            "#6",
            "#1",
        )
    ]
    assert {c["section"] for c in report["definition"]} == {"Process", "Triggers"}
    expected = routed_differently(load(old), load(new))
    assert expected > 0 and report["behaviour"]["changed"] == expected
    assert sum(s["count"] for s in report["behaviour"]["shifts"]) == expected
    for shift in report["behaviour"]["shifts"]:  # P1 insights now go to the Project Manager instead
        assert shift["example"]["category"] in ("feature-request", "feedback")
        assert (shift["old"]["route"], shift["new"]["route"]) == ("tier-2-po", "tier-2-pm")
    assert report["warnings"] == []  # the version went up


def test_a_reordered_trigger_that_changes_nothing(pair, run_cli) -> None:
    old, new = pair(swap_disjoint)
    report = diff_json(run_cli, old, new)
    moved = ("moved", "trigger 'confirmed-bug' (Confirmed bug)")
    assert [(c["kind"], c["subject"]) for c in report["definition"]] == [moved]
    assert report["behaviour"]["changed"] == 0 == routed_differently(load(old), load(new))
    assert report["warnings"] == []


def test_a_renamed_channel(pair, run_cli, process: Process) -> None:
    old, new = pair(rename_channel)
    report = diff_json(run_cli, old, new)
    renamed = [c for c in report["definition"] if c["kind"] == "renamed"]
    assert [(c["section"], c["old"], c["new"]) for c in renamed] == [("Channels", "#cep-escalations", "#cep-escalated")]
    users = [t.id for t in process.triggers if "#cep-escalations" in t.notify]
    notify_changes = [
        c["subject"] for c in report["definition"] if c["detail"] == "notify" and "trigger" in c["subject"]
    ]
    assert notify_changes == [f"trigger '{t.id}' ({t.name})" for t in process.triggers if t.id in users]
    expected = routed_differently(load(old), load(new))
    assert report["behaviour"]["changed"] == expected > 0
    assert report["jira"]  # the automation rules post to the channel by name


def test_same_definition_reports_no_change(run_cli) -> None:
    result = run_cli("diff", str(PROCESS), str(PROCESS))
    assert result.code == 0 and "No changes: both definitions describe the same process." in result.out
    assert result.err == ""


def test_missing_file_or_revision_is_a_clear_error(run_cli) -> None:
    result = run_cli("diff", "no-such-revision-or-file")
    assert result.code == 2
    assert result.err == (
        "cep diff: error: 'no-such-revision-or-file' is neither a file nor a git revision that has "
        "process/escalation.yaml\n"
    )


def test_an_invalid_side_is_reported_at_its_line(tmp_path: Path, run_cli) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(PROCESS.read_text(encoding="utf-8").replace("route: tier-2-po", "route: tier-9"))
    result = run_cli("diff", str(PROCESS), str(broken))
    assert result.code == 1
    assert f"{broken}:" in result.err and "unknown tier 'tier-9'" in result.err


def cep(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cep", *args], cwd=repo, capture_output=True, text=True, timeout=120)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A project under git with two commits: the default process, then P2 first response 4 → 2 as version 9.0.0."""
    project = copy_project(tmp_path / "repo")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "The process as the policy states it")
    path = project / "process" / "escalation.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(f'version: "{VERSION}"', 'version: "9.0.0"').replace(
        "first_response: 4 business hours", "first_response: 2 business hours"
    )
    path.write_text(text, encoding="utf-8")
    git(project, "commit", "-qam", "Answer P2 tickets within two business hours")
    return project


def test_diff_between_git_revisions(repo: Path) -> None:
    done = cep(repo, "diff", "HEAD~1", "HEAD", "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["old"] == {"source": "HEAD~1:process/escalation.yaml", "version": VERSION}
    assert report["new"] == {"source": "HEAD:process/escalation.yaml", "version": "9.0.0"}
    assert [c["text"] for c in report["definition"]] == [
        f"the process: version {VERSION} → 9.0.0",
        "priority 'P2' (High): first response 4 business hours → 2 business hours",
    ]
    assert report["warnings"] == []


def test_diff_against_a_branch_compares_the_working_copy(repo: Path) -> None:
    path = repo / "process" / "escalation.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["process"]["version"] == "9.0.0"
    path.write_text(
        path.read_text(encoding="utf-8").replace("resolution: 10 business days", "resolution: 12 business days")
    )
    done = cep(repo, "diff", "main")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("## Process changes: `main:process/escalation.yaml` → `process/escalation.yaml`")
    assert "- priority 'P3' (Medium): resolution 10 business days → 12 business days\n" in done.stdout
    assert "cep diff: warning: time goals change, but the process version is still 9.0.0" in done.stderr
    missing = cep(repo, "diff", "no-such-branch")
    assert missing.returncode == 2
    assert "'no-such-branch' is neither a file nor a git revision" in missing.stderr


def test_changelog_lists_each_version_with_its_diff(repo: Path, tmp_path: Path) -> None:
    done = build_manual(repo, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "site" / "changelog" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html[html.index("<article") :])  # the page, not its table of contents
    newest, oldest = text.index("Version 9.0.0&para;"), text.index(f"Version {VERSION}&para;")
    assert newest < oldest
    assert re.search(r"2026-11-02 \(commit [0-9a-f]{7}\)", text)
    assert "Answer P2 tickets within two business hours" not in text  # a commit's subject is for developers
    entry = text[newest:oldest]
    assert "Time goals: priority 'P2' (High): first response 4 business hours → 2 business hours" in entry
    assert "224 kinds of ticket" in entry
    assert "The first version of the process in this repository" in text[oldest:]


def test_changelog_tells_readers_of_a_version_todays_checks_refuse_without_the_validators_words(
    repo: Path, tmp_path: Path
) -> None:
    path = repo / "process" / "escalation.yaml"
    text = path.read_text(encoding="utf-8")
    # a version from before a check existed: an example naming a category the process never had
    broken = text.replace('version: "9.0.0"', 'version: "9.1.0"') + (
        '\nexamples:\n  - {story: A wish., category: wish, urgency: low, impact: team, reported: "2026-11-02T10:00Z"}\n'
    )
    path.write_text(broken, encoding="utf-8")
    git(repo, "commit", "-qam", "An example")
    path.write_text(text.replace('version: "9.0.0"', 'version: "9.2.0"'), encoding="utf-8")
    git(repo, "commit", "-qam", "Drop the example")
    done = build_manual(repo, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "site" / "changelog" / "index.html").read_text(encoding="utf-8")
    page = re.sub(r"<[^>]+>", "", html[html.index("<article") :])
    assert page.count("Not compared with the version before: one of the two no longer passes today") == 2
    assert "error:" not in page and "unknown category" not in page and "An example" not in page


def test_changelog_without_git_shows_the_working_copy(site: Path) -> None:
    text = (site / "changelog" / "index.html").read_text(encoding="utf-8")
    assert f"Version {VERSION}" in text and "not committed yet" in text


def test_diff_in_a_repository_that_keeps_only_the_definition(tmp_path: Path) -> None:
    # No schema beside the definition: cep validates with the schema it comes with.
    (tmp_path / "process").mkdir()
    definition = tmp_path / "process" / "escalation.yaml"
    text = PROCESS.read_text(encoding="utf-8")
    definition.write_text(text, encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    definition.write_text(text.replace("first_response: 4 business hours", "first_response: 2 business hours"))
    done = cep(tmp_path, "diff", "main")
    assert done.returncode == 0, done.stderr
    assert "- priority 'P2' (High): first response 4 business hours → 2 business hours\n" in done.stdout


@pytest.mark.parametrize(
    ("text", "version"),
    [
        (PROCESS.read_text(encoding="utf-8"), VERSION),
        ("notes: [1, {process: {version: x}}]\nprocess: {id: p, meta: {version: y}, version: '2.0'}\n", "2.0"),
        ("process:\n  ? [a, b]\n  : 1\n  version: v9\n", "v9"),
        ("process:\n  id: p\n", None),
        ("process: 5\n", None),
        ("- process\n", None),
        ("process: {version: [1]}\n", None),
        ("{{ not yaml", None),
        ("", None),
    ],
)
def test_the_changelog_reads_each_commits_version_without_parsing_it_whole(text: str, version: str | None) -> None:
    from cep.diff.revisions import _version

    assert _version(text.encode("utf-8")) == version
