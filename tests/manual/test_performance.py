"""The Performance and Capacity pages: a labelled sample until a report is configured, then that report's
figures; every chart an image with its text and data table."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from project import PROCESS, build_manual, copy_project


def _run(cwd: Path, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "cep", *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr


def _charts(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<img alt="([^"]+)"[^>]* src="([^"]+\.svg)"', page)


def test_the_pages_show_a_labelled_sample_then_the_configured_report(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    done = build_manual(project, site)
    assert done.returncode == 0, done.stderr
    performance = (site / "performance" / "index.html").read_text(encoding="utf-8")
    assert "Sample data" in performance and "simulated" in performance
    charts = _charts(performance)
    documented, lived = "../diagrams/flow.svg", "lived-path.svg"  # side by side
    assert [src for _, src in charts] == ["attainment.svg", "volume.svg", documented, lived, "time-in-tier.svg"]
    for alt, src in charts:
        assert alt and b"<svg" in (site / "performance" / src).read_bytes()[:400]
    assert "<table>" in performance and "tier-2-pm" in performance
    # Volume by category, and by the channels the process posts tickets in (their names escaped for HTML).
    assert "Tickets a week, by category" in performance and "<th>feature-request</th>" in performance
    assert "Tickets a week, by channel" in performance and "<th>#cep-product-feedback</th>" in performance
    # Clocks go by the definition's names, a hand-over's acknowledgement with its tier.
    assert "tier acknowledgement (Tier 3 — Development)" in performance and "acknowledge:" not in performance
    capacity = (site / "capacity" / "index.html").read_text(encoding="utf-8")
    assert _charts(capacity) == [("The worst priority's goals met, by volume: one line per clock", "by-volume.svg")]
    assert "What fails first" in capacity and "3×" in capacity and "The assumptions" in capacity

    _run(project, "simulate", "--days", "7", "--replications", "1", "--seed", "3", "--out", "sim")
    _run(project, "report", "sim/histories-1.jsonl", "--at", "2027-03-08T00:00:00+02:00", "--out", "reports/mine")
    config = project / "mkdocs.yml"
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["plugins"] = [{"cep": {"performance": "reports/mine"}}]
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    done = build_manual(project, tmp_path / "site2")
    assert done.returncode == 0, done.stderr
    mine = (tmp_path / "site2" / "performance" / "index.html").read_text(encoding="utf-8")
    assert "Sample data" not in mine and "reports/mine" in mine
    tickets = len((project / "reports" / "mine" / "tickets.csv").read_text(encoding="utf-8").splitlines()) - 1
    version = yaml.safe_load(PROCESS.read_text(encoding="utf-8"))["process"]["version"]
    assert re.search(rf"<td>{re.escape(version)}</td>\s*<td>{tickets}</td>", mine)
    assert "lived-path.svg" in [src for _, src in _charts(mine)]  # discovered by pm4py from the report's event log
