"""Diagrams: drawn from the model, deterministic, complete, escaped, linked, and clear about a missing `dot`."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cep.definition.model import Process
from cep.diagrams import DIAGRAMS, render
from project import load_changed

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"
TOOLTIP = "{http://www.w3.org/1999/xlink}title"


def texts(svg: bytes) -> list[str]:
    """The text of every node, edge and cluster, one string per SVG group (labels span several <text>)."""
    root = ET.fromstring(svg)
    groups = [g for g in root.iter(f"{SVG}g") if {"node", "edge", "cluster"} & set((g.get("class") or "").split())]
    return [" ".join(t.text or "" for t in g.iter(f"{SVG}text")) for g in groups]


def shows(svg: bytes, name: str) -> bool:
    return any(name in text for text in texts(svg))


def links(svg: bytes) -> list[str]:
    return [a.get(XLINK) or "" for a in ET.fromstring(svg).iter(f"{SVG}a")]


def tooltips(svg: bytes) -> list[str]:
    """What a link says when pointed at: the detail a short label leaves out."""
    return [a.get(TOOLTIP) or "" for a in ET.fromstring(svg).iter(f"{SVG}a")]


@pytest.fixture(scope="module")
def drawn(process: Process) -> dict[str, bytes]:
    return {name: render(process, name) for name in DIAGRAMS}


def test_rendering_is_deterministic(process: Process, drawn: dict[str, bytes]) -> None:
    for name in DIAGRAMS:
        assert render(process, name) == drawn[name], name


def test_each_diagram_shows_what_it_is_about(process: Process, drawn: dict[str, bytes]) -> None:
    flow, blueprint, communication, matrix = (drawn[n] for n in ("flow", "blueprint", "communication", "matrix"))
    for tier in process.tiers:
        assert shows(flow, tier.name) and shows(blueprint, tier.name), tier.id
    for role in process.roles:
        assert shows(communication, role.name), role.id
    owners = {process.role(t.owner).name for t in process.tiers}
    assert all(shows(flow, f"owner: {name}") for name in owners)
    for trigger in process.triggers:
        assert shows(flow, trigger.name) and shows(communication, trigger.name), trigger.id
    for channel in process.channels:
        assert shows(communication, channel.id) and shows(blueprint, channel.id), channel.id
    for priority in process.priorities:
        assert shows(matrix, priority.id) and shows(matrix, str(priority.first_response)), priority.id
    for level in (*process.urgency, *process.impact):
        assert shows(matrix, level.name)


def test_flow_edges_are_numbered_in_trigger_order(process: Process, drawn: dict[str, bytes]) -> None:
    numbered = sorted(t for t in texts(drawn["flow"]) if t[:1].isdigit())
    assert numbered == sorted(f"{n}. {t.name}" for n, t in enumerate(process.triggers, 1))
    detail = [f"{n}. {t.name}: {t.when.describe(process.domains())}" for n, t in enumerate(process.triggers, 1)]
    assert set(detail) <= set(tooltips(drawn["flow"]))  # the conditions are one pointer away


def test_nodes_link_to_their_manual_sections(process: Process, drawn: dict[str, bytes]) -> None:
    flow_links = links(drawn["flow"])
    for tier in process.tiers:
        assert f"__cep_root__/reference/tiers-and-roles/#tier-{tier.id}" in flow_links
    for trigger in process.triggers:
        assert f"__cep_root__/reference/triggers/#trigger-{trigger.id}" in flow_links
    assert all(link.startswith("__cep_root__/") for name in DIAGRAMS for link in links(drawn[name]))


def test_diagrams_are_accessible(drawn: dict[str, bytes]) -> None:
    for name, svg in drawn.items():
        root = ET.fromstring(svg)
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title is not None and title.text and desc is not None and desc.text, name
        # a diagram with links is a group, so that its links stay reachable; one without is an image
        has_links = root.find(f".//{SVG}a") is not None
        assert root.get("aria-labelledby") == f"{name}-title {name}-desc"
        assert root.get("role") == ("group" if has_links else "img"), name
        # no graphviz-internal names for a screen reader to read out: the only title is the diagram's own
        assert [t.get("id") for t in root.iter(f"{SVG}title")] == [f"{name}-title"], name


def test_a_new_tier_and_trigger_appear(tmp_path: Path) -> None:
    def change(data: dict) -> None:
        data["tiers"].append(
            {
                "id": "tier-4",
                "name": "Tier 4 — Vendor",
                "short_name": "Vendor",
                "owner": "developer",
                "summary": "An outside supplier.",
                "talks_to_customers": False,
            }
        )
        data["triggers"].insert(
            0,
            {
                "id": "vendor-bug",
                "name": "Vendor component",
                "summary": "Third party.",
                "when": {"category": ["bug"], "urgency": ["low"]},
                "route": "tier-4",
                "notify": ["#cep-dev-triage"],
                "template": "escalation-report",
            },
        )

    changed = load_changed(tmp_path, change)
    flow = render(changed, "flow")
    assert shows(flow, "Tier 4 — Vendor") and shows(flow, "1. Vendor component")
    assert "1. Vendor component: category is bug and urgency is low" in tooltips(flow)
    assert shows(render(changed, "communication"), "Trigger: Vendor component")


HOSTILE = 'Tier "one" <b>&amp; \\N \\l back\\slash 🚑 Ünïcode'


def test_hostile_labels_render_valid_svg(tmp_path: Path) -> None:
    def change(data: dict) -> None:
        data["tiers"][0]["name"] = HOSTILE
        data["roles"][0]["name"] = HOSTILE + " role"
        data["triggers"][0]["name"] = HOSTILE + " trigger"
        data["urgency"][0]["name"] = HOSTILE + " urgency"
        data["templates"][0]["name"] = HOSTILE + " template"

    changed = load_changed(tmp_path, change)
    for name in DIAGRAMS:
        svg = render(changed, name)
        ET.fromstring(svg)  # well-formed XML
        assert any(HOSTILE in text for text in texts(svg)), name


def test_missing_dot_is_explained(run_cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run_cli("diagrams", "--out", str(tmp_path / "out"))
    assert result.code == 2
    assert "apt-get install graphviz" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "out").exists()


def test_cli_writes_every_diagram_twice_the_same(run_cli, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert run_cli("diagrams", "--out", str(first)).code == 0
    assert run_cli("diagrams", "--out", str(second)).code == 0
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted([".cep-output", *(f"{n}.svg" for n in DIAGRAMS)])
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes()
        assert b"__cep_root__" not in (first / name).read_bytes()
    assert (first / ".cep-output").read_text() == "made by cep diagrams; cep diagrams replaces this directory whole\n"
    assert run_cli("diagrams", "--format", "png", "--out", str(tmp_path / "png")).code == 0
    assert (tmp_path / "png" / "flow.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_element_ids_are_unique_even_with_every_diagram_on_one_page(drawn: dict[str, bytes]) -> None:
    ids = [e.get("id") for svg in drawn.values() for e in ET.fromstring(svg).iter() if e.get("id")]
    assert len(ids) == len(set(ids)) and len(ids) > 50
