"""Text from the definition is escaped wherever it is written: the manual's HTML and search index, the diagrams'
SVG, the Jira bundle's JSON, JQL and smart-value message bodies. Every free text of the default definition is
given a payload that would run, render or be evaluated if it were written raw."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

from project import build_manual, copy_project

PAYLOAD = " </title><script>alert(1)</script><img src=x onerror=alert(2)> {{issue.reporter.emailAddress}}"
PAYLOAD += " \"q' & *em* [l](javascript:alert(3))"
FREE_TEXT = {"name", "summary", "responsibilities", "challenges", "needs", "definition", "purpose", "hint"}
RAW = ("<script>alert", "<img src=x", 'href="javascript:')


def _poison(node: object, key: str | None = None) -> object:
    if isinstance(node, dict):
        return {k: _poison(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [_poison(v, key) for v in node]
    return node + PAYLOAD if isinstance(node, str) and key in FREE_TEXT else node


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("hostile"))
    definition = project / "process" / "escalation.yaml"
    data = yaml.safe_load(definition.read_text(encoding="utf-8"))
    data["process"]["last_reviewed"] = str(data["process"]["last_reviewed"])
    definition.write_text(yaml.safe_dump(_poison(data), allow_unicode=True, sort_keys=False), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "cep", "validate"], cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return project


def test_the_manual_shows_the_text_and_runs_none_of_it(project, tmp_path) -> None:
    site = tmp_path / "site"
    done = build_manual(project, site)
    assert done.returncode == 0, done.stderr
    pages = [*site.rglob("*.html"), site / "search" / "search_index.json"]
    assert len(pages) > 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not [raw for raw in RAW if raw in text], page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert (
        "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in home
    )  # shown as written, in the title and the footer
    assert re.search(r'<div class="md-copyright__highlight">[^<]*&lt;script&gt;alert\(1\)', home)


def test_the_diagrams_hold_no_script_handler_or_link_to_script(project, tmp_path) -> None:
    out = tmp_path / "diagrams"
    done = subprocess.run(
        [sys.executable, "-m", "cep", "diagrams", "--out", str(out)], cwd=project, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    svgs = sorted(out.glob("*.svg"))
    assert svgs
    for svg in svgs:
        root = ElementTree.parse(svg).getroot()  # well-formed XML, whatever the text
        for element in root.iter():
            assert not element.tag.endswith("script"), svg
            assert not [name for name in element.attrib if name.lower().startswith("on")], svg
            assert not [v for v in element.attrib.values() if v.strip().lower().startswith("javascript:")], svg
        assert "<script>alert(1)</script>" in "".join(root.itertext())  # the text is there, as text


def test_the_jira_bundle_evaluates_no_smart_value_from_the_definition(project) -> None:
    done = subprocess.run([sys.executable, "-m", "cep", "jira", "export"], cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    bundle = json.loads(done.stdout)
    assert "{{issue.reporter" in json.dumps(bundle["fields"])  # names are kept where Jira does not evaluate them
    assert "{{issue.reporter" not in json.dumps(bundle["automation"], ensure_ascii=False)
    bodies = [
        component["value"]
        for rule in bundle["automation"]
        for component in _components(rule["rule"])
        if component["type"] == "jira.issue.outgoing.webhook"
    ]
    assert bodies
    for value in bodies:
        text = json.loads(value["customBody"])["text"]  # valid JSON, whatever the names say
        assert text.endswith("{{issue.key}}: {{issue.summary.jsonEncode}}")  # the customer's text, JSON-encoded
        assert set(re.findall(r"\{\{[^}]*\}\}", text)) == {"{{issue.key}}", "{{issue.summary.jsonEncode}}"}


def _components(node: dict) -> list[dict]:
    found = []
    for child in [*node.get("components", []), *node.get("children", []), *node.get("conditions", [])]:
        found += [child, *_components(child)]
    return found
