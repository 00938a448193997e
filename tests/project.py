"""Where the project's files are, for tests that need paths."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROCESS = ROOT / "process" / "escalation.yaml"
SCHEMA = ROOT / "process" / "schema" / "process.schema.json"
DATA = Path(__file__).resolve().parent / "data"

# What a copy of the project needs to validate, build and specify itself.
PROJECT_PARTS = ("mkdocs.yml", "docs", "process", "features")


def copy_project(target: Path) -> Path:
    """A working copy of the project's inputs under `target`, to change without touching the real ones."""
    import shutil

    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


# What building cep itself needs: the package, and the files its package data links to.
SOURCE_PARTS = (
    "pyproject.toml",
    "README.md",
    ".pre-commit-hooks.yaml",
    ".github/workflows/process.yml",
    "process/escalation.yaml",
    "process/schema",
    "scripts/cep",
)


def copy_source(target: Path) -> Path:
    """A copy of cep's source under `target`, enough to build or pip-install it, without writing in the work tree."""
    import shutil

    for part in SOURCE_PARTS:
        source, copy = ROOT / part, target / part
        copy.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, copy, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, copy)
    return target


def build_manual(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """`cep build` in `project`, dates pinned, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "cep", "build", "--site-dir", str(site)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"},
    )


def load_changed(tmp_path: Path, change):  # -> cep.definition.model.Process; change(data) edits the parsed definition
    """The default process with `change` applied to its data, loaded through the real loader."""
    import yaml

    from cep.definition.loader import load_process

    data = yaml.safe_load(PROCESS.read_text(encoding="utf-8"))
    data["process"]["last_reviewed"] = str(data["process"]["last_reviewed"])
    change(data)
    path = tmp_path / "escalation.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_process(path, SCHEMA)


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` as a test user, with commit dates pinned; return its output."""
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-11-02T10:00:00Z", "GIT_COMMITTER_DATE": "2026-11-02T10:00:00Z"}
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return done.stdout.strip()


def rename_first_category(data: dict, new: str) -> None:
    """Give the first category another id, wherever the definition names it (its examples name categories too)."""
    old = data["categories"][0]["id"]
    data["categories"][0]["id"] = new
    for example in data.get("examples", []):
        if example["category"] == old:
            example["category"] = new
