"""What teams adopting cep use in their own repositories: the GitHub Actions workflow and the pre-commit hooks."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from project import ROOT, copy_project, copy_source, git

WORKFLOW = ROOT / ".github" / "workflows" / "process.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def test_the_workflow_runs_every_gate_and_summarises_the_diff_on_pull_requests() -> None:
    workflow = yaml.load(WORKFLOW.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # "on" stays a string
    assert set(workflow["on"]) == {"pull_request", "push"}
    assert "process/**" in workflow["on"]["pull_request"]["paths"]
    steps = workflow["jobs"]["process"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == "0"  # cep diff and the changelog need the history
    runs = [s.get("run", "") for s in steps]

    def position(command: str) -> int:
        return next(i for i, run in enumerate(runs) if command in run)

    order = [position(c) for c in ("apt-get install", "pip install", "cep validate", "cep check", "cep spec")]
    order.append(position("cep build"))
    assert order == sorted(order)
    diff = steps[position("cep diff")]
    assert diff["if"] == "github.event_name == 'pull_request'"
    assert diff["env"] == {"BASE_REF": "${{ github.base_ref }}"}  # data, never expanded into the script
    assert diff["run"] == 'cep diff "origin/$BASE_REF" >> "$GITHUB_STEP_SUMMARY"'
    assert "--cucumberjson=" in runs[position("cep spec")]
    cache = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/cache@"))
    assert steps[cache]["with"]["path"] == ".cache"  # where cep build keeps the theme's compiled templates
    assert cache < position("cep build")


def _hook_repository(target: Path) -> str:
    """This project's working tree as a git repository pre-commit can install hooks from; returns its commit."""
    copy_source(target)
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    git(target, "commit", "-qm", "hooks")
    return git(target, "rev-parse", "HEAD")


def test_pre_commit_hooks_accept_the_process_and_reject_a_broken_one(tmp_path: Path) -> None:
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["cep-validate", "cep-check"]
    rev = _hook_repository(tmp_path / "hooks")
    project = copy_project(tmp_path / "adopter")
    shutil.rmtree(project / "process" / "schema")  # adopters may keep only the definition: cep brings its schema
    config = {
        "repos": [{"repo": str(tmp_path / "hooks"), "rev": rev, "hooks": [{"id": "cep-validate"}, {"id": "cep-check"}]}]
    }
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def pre_commit() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
            cwd=project,
            capture_output=True,
            text=True,
            env=env,
            timeout=900,
        )

    passed = pre_commit()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "cep validate" in passed.stdout and "cep check" in passed.stdout

    definition = project / "process" / "escalation.yaml"
    lines = definition.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(n for n, line in enumerate(lines, start=1) if line.strip() == "route: tier-2-po")
    lines[number - 1] = lines[number - 1].replace("tier-2-po", "tier-2-qa")
    definition.write_text("".join(lines), encoding="utf-8")
    git(project, "add", "-A")
    failed = pre_commit()
    assert failed.returncode == 1
    assert f"process/escalation.yaml:{number}:12: error: unknown tier 'tier-2-qa'" in failed.stdout


def test_cep_spec_runs_an_adopters_features_with_cep_s_steps(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "adopter")  # its definition and features, no tests of its own

    def spec(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cep", "spec", *args], cwd=project, capture_output=True, text=True, timeout=300
        )

    passed = spec("--", "-q", "--cucumberjson=report.json")
    assert passed.returncode == 0, passed.stdout[-2000:]
    assert re.search(r"\b\d+ passed\b", passed.stdout) and (project / "report.json").is_file()
    definition = project / "process" / "escalation.yaml"
    definition.write_text(
        definition.read_text(encoding="utf-8").replace("customer_updates: daily", "customer_updates: weekly")
    )
    failed = spec("--", "-q")
    assert failed.returncode == 1
    assert re.findall(r"^FAILED \S+::(\S+)", failed.stdout, re.M) == [
        "test_each_priority_has_its_update_cadence[high-team-P2-daily]"
    ]
    assert spec("--features", "nowhere").returncode == 2
