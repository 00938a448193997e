"""The manual ships with cep: a repository that holds only its definition gets the whole manual, and its own
mkdocs.yml and docs/ add pages, replace a standard page by path, or change theme settings."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from cep.manual.config import STANDARD_DOCS
from project import PROCESS, build_manual


def _definition_only(root: Path) -> Path:
    (root / "process").mkdir(parents=True)
    shutil.copy2(PROCESS, root / "process" / "escalation.yaml")
    return root


def _standard_pages() -> set[str]:
    return {p.relative_to(STANDARD_DOCS).with_suffix("").as_posix() for p in STANDARD_DOCS.rglob("*.md")}


def test_a_repository_with_only_its_definition_gets_every_standard_page(tmp_path: Path) -> None:
    project = _definition_only(tmp_path / "project")
    done = build_manual(project, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    built = {p.parent.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("index.html")}
    assert {page.removesuffix("/index") for page in _standard_pages() if page != "index"} <= built
    name = yaml.safe_load(PROCESS.read_text(encoding="utf-8"))["process"]["name"]
    assert f"<title>{name}</title>" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert not (project / "mkdocs.yml").exists() and not (project / "docs").exists()  # nothing written beside it


def test_a_repository_adds_a_page_replaces_one_and_changes_the_theme(tmp_path: Path) -> None:
    project = _definition_only(tmp_path / "project")
    (project / "docs" / "reference").mkdir(parents=True)
    (project / "docs" / "rota.md").write_text("# On-call rota\n\nAsk the duty lead: {{ process_name }}.\n")
    (project / "docs" / "reference" / "glossary.md").write_text("# Glossary\n\nOur own words, not the standard's.\n")
    settings = {"nav": [{"On-call rota": "rota.md"}], "theme": {"palette": {"primary": "red"}}, "site_name": "Ours"}
    (project / "mkdocs.yml").write_text(yaml.safe_dump(settings))
    done = build_manual(project, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    site = tmp_path / "site"
    name = yaml.safe_load(PROCESS.read_text(encoding="utf-8"))["process"]["name"]
    rota = (site / "rota" / "index.html").read_text(encoding="utf-8")
    assert f"Ask the duty lead: {name}." in rota  # the repository's page has the macros too
    assert 'href="rota/"' in (site / "index.html").read_text(encoding="utf-8")  # and is in the navigation
    glossary = (site / "reference" / "glossary" / "index.html").read_text(encoding="utf-8")
    assert "Our own words, not the standard&rsquo;s." in glossary or "Our own words, not the standard's." in glossary
    assert 'data-md-color-primary="red"' in rota
    assert "<title>On-call rota - Ours</title>" in rota
    assert (site / "reference" / "triggers" / "index.html").is_file()  # the other standard pages stay


def test_a_page_left_out_of_the_navigation_fails_the_strict_build_and_says_so(tmp_path: Path) -> None:
    project = _definition_only(tmp_path / "project")
    (project / "docs").mkdir()
    (project / "docs" / "stray.md").write_text("# Stray\n")
    done = build_manual(project, tmp_path / "site")
    assert done.returncode == 1
    assert "stray.md" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "site").exists()


def test_a_broken_mkdocs_yml_is_reported_where_it_is(tmp_path: Path) -> None:
    project = _definition_only(tmp_path / "project")
    (project / "mkdocs.yml").write_text("nav:\n  - [unclosed\n")
    done = build_manual(project, tmp_path / "site")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("mkdocs.yml:3:1: error:"), done.stderr


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _until(condition, what: str, seconds: float = 120.0):  # polls a condition; the deadline only bounds a hang
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


def test_cep_serve_serves_the_manual_and_rebuilds_when_the_definition_changes(tmp_path: Path) -> None:
    import subprocess
    import sys
    import urllib.request

    project = _definition_only(tmp_path / "project")
    definition = project / "process" / "escalation.yaml"
    address = f"127.0.0.1:{_free_port()}"

    def home() -> str:
        try:
            with urllib.request.urlopen(f"http://{address}/", timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    server = subprocess.Popen(
        [sys.executable, "-m", "cep", "serve", "--dev-addr", address],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        name = yaml.safe_load(definition.read_text(encoding="utf-8"))["process"]["name"]
        assert f"<title>{name}</title>" in _until(home, "the first build")
        definition.write_text(definition.read_text(encoding="utf-8").replace(name, "Renamed Escalations", 1))
        _until(lambda: "<title>Renamed Escalations</title>" in home(), "the rebuild after the change")
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert not (project / "site").exists()  # serving writes nothing into the repository
