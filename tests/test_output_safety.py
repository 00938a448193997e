"""Output options never destroy what they point at: only a command's own previous output is replaced, whole, in
one step, and no staging folder outlives a command."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from project import copy_project, git


def _cep(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cep", *args], cwd=project, capture_output=True, text=True, timeout=600
    )


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` (.git included) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project in a git work tree of its own, inside a folder that holds something else too."""
    outer = tmp_path_factory.mktemp("outer")
    (outer / "someone-elses.txt").write_text("keep me\n")
    repo = copy_project(outer / "repo")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "start")
    return repo


@pytest.mark.parametrize(
    ("command", "option"), [(("build",), "--site-dir"), (("diagrams",), "--out")], ids=["build", "diagrams"]
)
@pytest.mark.parametrize("where", [".", "..", "process", "docs", "features", "../.."])
def test_a_directory_option_refuses_what_the_command_did_not_make(project, command, option, where) -> None:
    before, outer = _snapshot(project), _snapshot(project.parent)
    done = _cep(project, *command, option, where)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"{(project / where).resolve()}: error: cannot write: "), done.stderr
    assert "Traceback" not in done.stderr
    assert _snapshot(project) == before
    assert _snapshot(project.parent) == outer


def test_a_directory_is_refused_when_another_command_made_it(project, tmp_path) -> None:
    out = tmp_path / "diagrams"
    assert _cep(project, "diagrams", "--out", str(out)).returncode == 0
    done = _cep(project, "build", "--site-dir", str(out))
    assert done.returncode == 2
    assert "it is not a directory cep build made" in done.stderr
    assert (out / "flow.svg").is_file()


def test_a_previous_output_is_replaced_whole_and_no_staging_folder_is_left(project, tmp_path) -> None:
    out = tmp_path / "diagrams"
    out.mkdir()  # an empty folder is taken as it is
    assert _cep(project, "diagrams", "--out", str(out)).returncode == 0
    (out / "stale.svg").write_text("from an older run")
    dead = tmp_path / ".diagrams.cep-staging-999999999-x"  # left by a run that was killed: no such process now
    alive = tmp_path / f".diagrams.cep-staging-{os.getpid()}-y"  # a run still going: not to be touched
    for staging in (dead, alive):
        staging.mkdir()
    assert _cep(project, "diagrams", "--out", str(out)).returncode == 0
    assert not (out / "stale.svg").exists() and (out / "flow.svg").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["diagrams", alive.name])


def test_the_swap_is_one_step(tmp_path, monkeypatch) -> None:
    """The old output stays in place until the new one takes its place: no moment without one."""
    from cep import output

    target = tmp_path / "out"
    output.write_tree(target, "cep test", {"a.txt": b"old"})
    renames: list[tuple[str, str]] = []
    real_rename = Path.rename
    monkeypatch.setattr(Path, "rename", lambda self, to: renames.append((self, to)) or real_rename(self, to))

    def fill(staging: Path) -> bool:
        assert (target / "a.txt").read_bytes() == b"old"  # readers still see the old output while building
        (staging / "a.txt").write_bytes(b"new")
        return True

    assert output.replace_directory(target, "cep test", fill)
    assert (target / "a.txt").read_bytes() == b"new"
    assert renames == []  # exchanged in one system call, not moved aside and back
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_jira_export_never_replaces_the_definition_or_a_file_it_did_not_write(project, tmp_path) -> None:
    definition = project / "process" / "escalation.yaml"
    before = definition.read_bytes()
    done = _cep(project, "jira", "export", "-o", "process/escalation.yaml")
    assert (done.returncode, done.stderr) == (
        2,
        "process/escalation.yaml: error: cannot write: it is the process definition\n",
    )
    link = tmp_path / "link.json"
    link.symlink_to(definition)
    done = _cep(project, "jira", "export", "-o", str(link))
    assert done.returncode == 2 and "it is the process definition" in done.stderr
    assert definition.read_bytes() == before and link.is_symlink()
    notes = tmp_path / "notes.json"
    notes.write_text('{"mine": true}\n')
    done = _cep(project, "jira", "export", "-o", str(notes))
    assert done.returncode == 2 and "is not a file this command wrote" in done.stderr
    assert notes.read_text() == '{"mine": true}\n'


def test_jira_export_follows_links_writes_into_devices_and_keeps_modes(project, tmp_path) -> None:
    bundle = tmp_path / "bundle.json"
    old_umask = os.umask(0o022)
    try:
        assert _cep(project, "jira", "export", "-o", str(bundle)).returncode == 0
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o644  # as any other new file, not 0600
    bundle.chmod(0o640)
    link = tmp_path / "current.json"
    link.symlink_to(bundle)
    assert _cep(project, "jira", "export", "-o", str(link)).returncode == 0  # a bundle it wrote: replaced
    assert link.is_symlink() and stat.S_IMODE(bundle.stat().st_mode) == 0o640
    assert json.loads(bundle.read_text())["schema_version"] == 1
    done = _cep(project, "jira", "export", "-o", "/dev/stdout")
    assert done.returncode == 0 and json.loads(done.stdout)["schema_version"] == 1
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert _cep(project, "jira", "export", "-o", "/dev/null").returncode == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
