"""`cep init`: a new repository in one command, from a wheel as a team installs cep; it never replaces a file."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

from project import PROCESS, ROOT, copy_source, git

STARTED = [
    "process/escalation.yaml",
    "process/schema/process.schema.json",
    "features/priority-matrix.feature",
    "features/triggers.feature",
    "features/time-goals.feature",
    ".github/workflows/process.yml",
    ".pre-commit-config.yaml",
    ".gitignore",
    "README.md",
]


def _cep(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cep", *args], cwd=cwd, capture_output=True, text=True, timeout=600, env=env
    )


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git/" not in p.as_posix()
    }


def test_init_writes_a_working_repository_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    done = _cep(tmp_path, "init", "team")
    assert done.returncode == 0, done.stderr
    team = tmp_path / "team"
    assert sorted(_tree(team)) == sorted(STARTED)
    assert (team / ".git").is_dir()  # cep diff and pre-commit need one
    definition = (team / "process" / "escalation.yaml").read_text(encoding="utf-8")
    assert definition.startswith("# yaml-language-server: $schema=schema/process.schema.json\n")
    assert yaml.safe_load(definition) == yaml.safe_load(PROCESS.read_text(encoding="utf-8"))
    for feature in (team / "features").glob("*.feature"):
        assert feature.read_text(encoding="utf-8").startswith("# Written by `cep init`")
    before = _tree(team)
    again = _cep(tmp_path, "init", "team")
    assert again.returncode == 0 and "nothing to do" in again.stdout and "never replaces" in again.stdout
    assert _tree(team) == before


def test_init_refuses_to_write_beside_a_file_it_would_replace_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("our readme")
    done = _cep(tmp_path, "init")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "nothing written" in done.stderr and "README.md" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]
    assert (tmp_path / "README.md").read_text() == "our readme"


def test_init_from_an_invalid_definition_says_where_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "ours.yaml"
    bad.write_text(PROCESS.read_text(encoding="utf-8").replace("route: tier-2-po", "route: tier-9", 1))
    done = _cep(tmp_path, "init", "team", "--from", str(bad))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert re.search(r"ours\.yaml:\d+:\d+: error: unknown tier 'tier-9'", done.stderr), done.stderr
    assert not (tmp_path / "team").exists()


def test_init_from_a_definition_writes_the_specification_of_that_definition(tmp_path: Path) -> None:
    ours = tmp_path / "ours.yaml"
    text = PROCESS.read_text(encoding="utf-8").replace("#cep-incidents", "#war-room")
    ours.write_text(text.split("\n", 1)[1])  # without the modeline: init adds it
    assert _cep(tmp_path, "init", "team", "--from", str(ours)).returncode == 0
    team = tmp_path / "team"
    assert (
        (team / "process" / "escalation.yaml")
        .read_text(encoding="utf-8")
        .startswith("# yaml-language-server: $schema=schema/process.schema.json\n")
    )
    triggers = (team / "features" / "triggers.feature").read_text(encoding="utf-8")
    assert '"#war-room"' in triggers and "#cep-incidents" not in triggers
    assert _cep(team, "spec", "--", "-q").returncode == 0


def _failing_scenarios(report: Path) -> list[str]:
    return sorted(
        element["name"]
        for feature in json.loads(report.read_text(encoding="utf-8"))
        for element in feature["elements"]
        if any(step["result"]["status"] != "passed" for step in element["steps"])
    )


def _states(features: Path, urgency: str, impact: str, priority: str) -> list[str]:
    """The scenarios (outline rows by their filled-in names) that give a ticket of this urgency and impact and
    say its priority is `priority`: what a change to that matrix cell must make fail."""
    from cep.spec.gherkin import read_features

    names = []
    for feature in read_features(features):
        for scenario in feature.scenarios:
            texts, size = scenario.texts(), len(scenario.steps)
            rows = scenario.examples[1:] or [()]
            for index, row in enumerate(rows):
                run = "\n".join(texts[index * size : (index + 1) * size])
                name = scenario.name
                for key, value in zip(scenario.examples[0] if row else (), row, strict=True):
                    name = name.replace(f"<{key}>", value)
                if f'"{urgency}" urgency and "{impact}" impact' in run and f'priority is "{priority}"' in run:
                    names.append(name)
    return sorted(names)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """cep built as a wheel and installed (not editable) in a fresh environment, which borrows only the libraries
    cep depends on from this one: the environment to run a team's commands in."""
    work = tmp_path_factory.mktemp("wheel")
    source = copy_source(work / "source")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(work / "dist"), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    wheel = next((work / "dist").glob("cep-*.whl"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    site = Path(
        subprocess.run(
            [venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (site / "libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")  # its .pth files are not run
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return {
        **os.environ,
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(work / "pc"),
    }


def _run(cwd: Path, env: dict[str, str], *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), cwd=cwd, capture_output=True, text=True, timeout=900, env=env)


def test_a_team_starts_from_a_wheel_with_cep_init_and_every_command_works(
    installed: dict[str, str], tmp_path: Path
) -> None:
    team = tmp_path / "team"
    team.mkdir()
    cep = shutil.which("cep", path=installed["PATH"])
    assert cep and not cep.startswith(str(ROOT)), cep
    where = _run(team, installed, "python", "-c", "import cep; print(cep.__file__)")
    assert "site-packages" in where.stdout and str(ROOT) not in where.stdout, where  # the wheel, not this tree
    assert _run(team, installed, "cep", "init").returncode == 0
    git(team, "add", "-A")
    git(team, "commit", "-qm", "start")
    for command in (
        ["validate"],
        ["check"],
        ["spec", "--", "-q"],
        ["build"],
        ["diagrams"],
        ["jira", "export", "-o", "jira-bundle.json"],
        ["diff", "HEAD"],
    ):
        done = _run(team, installed, "cep", *command)
        assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-2000:])
    assert (team / "site" / "index.html").is_file() and (team / "build" / "diagrams").is_dir()
    zizmor = _run(team, installed, str(Path(sys.executable).parent / "zizmor"), "--offline", ".github/workflows")
    assert zizmor.returncode == 0, zizmor.stdout + zizmor.stderr

    hooks = _run(team, installed, sys.executable, "-m", "pre_commit", "install")
    assert hooks.returncode == 0, hooks.stderr
    checked = _run(team, installed, sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "cep validate" in checked.stdout and "cep check" in checked.stdout

    # One matrix cell changed: exactly the starter scenarios that state that cell fail.
    definition = team / "process" / "escalation.yaml"
    text = definition.read_text(encoding="utf-8")
    cell = "  medium: {platform: P2, organisation: P3, team: P3, individual: P4}"
    assert cell in text
    definition.write_text(text.replace(cell, cell.replace("team: P3", "team: P2")), encoding="utf-8")
    report = tmp_path / "report.json"
    failed = _run(team, installed, "cep", "spec", "--", "-q", f"--cucumberjson={report}")
    assert failed.returncode == 1
    expected = _states(team / "features", "medium", "team", "P3")
    assert expected and _failing_scenarios(report) == expected
