"""Shared fixtures: the project's paths, the default process loaded once, and an in-process CLI runner."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from cep.cli import main
from cep.definition.loader import load_process
from cep.definition.model import Process
from project import PROCESS, ROOT, SCHEMA

# The same examples on every run, and no judgement by the clock: a busy machine must not fail a property.
settings.register_profile("cep", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("cep")


@pytest.fixture(scope="session", autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory):
    """Every test run, and every command it starts, uses a cache of its own, not the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CEP_CACHE_DIR", str(tmp_path_factory.mktemp("cep-cache")))
        yield


@pytest.fixture(scope="session")
def process() -> Process:
    return load_process(PROCESS, SCHEMA)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The manual built once from the project's own inputs (copied, so no report of this run leaks in)."""
    from project import build_manual, copy_project

    project = copy_project(tmp_path_factory.mktemp("project"))
    out = tmp_path_factory.mktemp("site") / "site"
    done = build_manual(project, out)
    assert done.returncode == 0, done.stderr
    return out


@dataclass
class Result:
    code: int
    out: str
    err: str

    def __str__(self) -> str:  # shown in assertion messages
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Run `cep ARGS...` in-process from the project root; return exit code and output."""

    def run(*args: str, stdin: str | None = None) -> Result:
        monkeypatch.chdir(ROOT)
        if stdin is not None:
            import io
            import sys

            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
