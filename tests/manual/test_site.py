"""The manual: strict build, no broken links, every fact from the model, escaping, and the build's contract."""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from cep.definition.model import Process
from cep.manual.config import STANDARD_DOCS
from cep.routing.router import Router
from cep.routing.tickets import Ticket
from project import PROCESS, ROOT, build_manual, copy_project, git


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for key in ("href", "src", "xlink:href"):
            if values.get(key) and tag in ("a", "img", "script", "link"):
                self.links.append(values[key] or "")


def test_internal_links_and_anchors_resolve(site: Path) -> None:
    parsed: dict[Path, _Links] = {}

    def parse(path: Path) -> _Links:
        if path not in parsed:
            parser = _Links()
            parser.feed(path.read_text(encoding="utf-8"))
            parsed[path] = parser
        return parsed[path]

    broken = []
    for html_file in sorted(site.rglob("*.html")):
        for link in parse(html_file).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:")):
                continue
            base = site if parts.path.startswith("/") else html_file.parent  # 404.html links from the site root
            target = (base / unquote(parts.path).lstrip("/")).resolve() if parts.path else html_file
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{html_file.relative_to(site)}: {link}")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in parse(target).ids:
                broken.append(f"{html_file.relative_to(site)}: {link} (no such anchor)")
    assert not broken, "\n".join(broken[:20])
    assert len(parsed) > 20


def test_every_page_shows_the_process_metadata(site: Path, process: Process) -> None:
    footer = f"process version {process.meta.version}"
    for html_file in site.rglob("index.html"):
        text = html_file.read_text(encoding="utf-8")
        assert footer in text and process.meta.last_reviewed in text, html_file


def test_the_manual_names_every_tier_role_trigger_and_channel(site: Path, process: Process) -> None:
    whole = page(site, "print_page")
    for name in (
        [t.name for t in process.tiers]
        + [r.name for r in process.roles]
        + [t.id for t in process.triggers]
        + [c.id for c in process.channels]
        + [t.name for t in process.templates]
    ):
        assert name.replace("—", "&mdash;") in whole or name in whole, name
    for role in process.roles:
        assert (site / "playbooks" / role.id / "index.html").exists(), f"no playbook for {role.id}"


def test_priority_matrix_is_coloured_from_the_model(site: Path, process: Process) -> None:
    html = page(site, "reference/prioritisation")
    matrix = re.search(r'<table class="cep-matrix".*?</table>', html, re.S)
    assert matrix
    cells = re.findall(r'<td style="background:(#[0-9a-f]{6});[^"]*"><strong>(P\d)</strong>', matrix.group(0))
    expected = [
        (process.priority(process.matrix[(u.id, i.id)]).colour, process.matrix[(u.id, i.id)])
        for u in process.urgency
        for i in process.impact
    ]
    assert cells == expected


def test_worked_examples_come_from_the_router(site: Path) -> None:
    html = page(site, "reference/time-goals")
    # The reference week is the one of the last review (Monday 23 November 2026); Friday 16:00, P2.
    assert re.search(r"Fri 27 Nov 2026, 16:00 \(UTC\+02:00\).*?P2.*?Mon 30 Nov 2026, 11:00", html, re.S)


def test_verified_behaviour_without_a_report_says_not_run(site: Path) -> None:
    html = page(site, "verified")
    assert "not run" in html and "passed" not in html.replace("scenarios passed", "")
    assert "An outage goes to the Project Manager and the incident channel" in html


def test_a_scenarios_ticket_lines_show_as_written(site: Path) -> None:
    html = page(site, "verified")
    blocks = [re.sub(r"<[^>]+>", "", block) for block in re.findall(r"<pre[^>]*>(.*?)</pre>", html, re.S)]
    line = (
        '{"id": "T-3", "category": "how-to", "urgency": "high", "impact": "team", '
        '"created": "2026-11-30T09:00:00+02:00"}'
    )
    assert any(line in unescape(block).splitlines() for block in blocks), blocks[:3]


def test_changed_definition_changes_the_pages(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    yaml_file = project / "process" / "escalation.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    text = text.replace("name: Tier 2 (level 1) — Project Manager", "name: Tier 2 — Escalation Desk")
    text = text.replace("first_response: 4 business hours", "first_response: 2 business hours")
    text = text.replace("when: {category: [bug], reproduced: [true]}", "when: {category: [outage]}")
    text = text.replace(
        "summary: Answers every customer request first and stays the customer's only contact.",
        "summary: \"{{ 7*7 }} <script>alert('x')</script> *not emphasis* [no](link)\"",
    )
    yaml_file.write_text(text, encoding="utf-8")
    (project / "reports").mkdir()
    (project / "reports" / "cucumber.json").write_text(
        json.dumps(
            [
                {
                    "name": "Tier 1 triage routes each ticket by the escalation triggers, in order",
                    "elements": [
                        {
                            "name": "An outage goes to the Project Manager and the incident channel",
                            "steps": [{"result": {"status": "passed"}}],
                        },
                        {"name": "The first matching trigger wins", "steps": [{"result": {"status": "failed"}}]},
                    ],
                }
            ]
        )
    )
    site = tmp_path / "site"
    done = build_manual(project, site)
    assert done.returncode == 0, done.stderr
    assert "Tier 2 — Escalation Desk" in page(site, "reference/tiers-and-roles")
    goals = page(site, "reference/time-goals")
    p2_row = re.search(r">P2</span> High</td>.*?</tr>", goals, re.S)
    assert p2_row and "2 business hours" in p2_row.group(0) and "4 business hours" not in p2_row.group(0)
    home = page(site, "")
    assert "{{ 7*7 }}" in home and "&lt;script&gt;alert" in home and "<script>alert" not in home
    assert "<em>not emphasis</em>" not in home and 'href="link"' not in home
    verified = page(site, "verified")
    assert re.search(r"passed — An outage goes to the Project Manager", verified)
    assert re.search(r"failed — The first matching trigger wins", verified)
    assert re.search(r"not run — A content error goes to the Project Manager", verified)
    health = page(site, "health")
    line = text.splitlines().index("  - id: confirmed-bug") + 1
    # Shadowed, it can fire for no scenario either: coverage counts what scenarios make happen, not names.
    assert "2 errors, 0 warnings" in health
    assert "no scenario exercises trigger &#x27;confirmed-bug&#x27;" in health
    assert re.search(rf"<code[^>]*>escalation.yaml:{line}</code>", health)
    shadowed = "trigger &#x27;confirmed-bug&#x27; can never fire: earlier triggers take all its tickets: service-outage"
    assert shadowed in health


def test_health_page_counts_what_the_router_does(site: Path, process: Process) -> None:
    router = Router(process)
    domains = process.domains()
    created = datetime(2026, 11, 23, 9, tzinfo=UTC)
    decided = Counter(
        router.route(Ticket("t", c, u, i, created, r, process.default_route.tier)).trigger
        for c, u, i, r in itertools.product(*(domains[f] for f in ("category", "urgency", "impact", "reproduced")))
    )
    health = page(site, "health")
    assert "Sound: no errors, no warnings" in health
    for trigger in process.triggers:
        count = decided[trigger.id]
        assert re.search(rf">{re.escape(trigger.name)}</a></td>\s*<td>{count} \(", health), trigger.id
    assert re.search(rf"No trigger matches \(default route\)</td>\s*<td>{decided[None]} \(", health)


def test_invalid_definition_fails_the_build_and_keeps_the_old_site(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    yaml_file = project / "process" / "escalation.yaml"
    lines = yaml_file.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(n for n, line in enumerate(lines, start=1) if line.strip() == "route: tier-2-po")
    lines[number - 1] = lines[number - 1].replace("tier-2-po", "tier-2-pq")
    yaml_file.write_text("".join(lines), encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "keep.txt").write_text("old")
    (site / ".cep-output").write_text("made by cep build; cep build replaces this directory whole\n")  # a site it built
    done = build_manual(project, site)
    assert done.returncode == 1
    column = lines[number - 1].index("tier-2-pq") + 1
    assert f"process/escalation.yaml:{number}:{column}: error: unknown tier 'tier-2-pq'" in done.stderr
    assert (site / "keep.txt").read_text() == "old"


@pytest.mark.parametrize("path", ["404.html", "print_page/index.html", "search/search_index.json"])
def test_expected_extras_are_built(site: Path, path: str) -> None:
    assert (site / path).exists()


def test_process_file_is_the_one_the_site_reads() -> None:
    assert PROCESS.relative_to(ROOT).as_posix() == "process/escalation.yaml"


def test_the_jira_page_offers_the_same_bundle_as_the_cli(site: Path, process: Process) -> None:
    from cep.jira import jira_bundle

    done = subprocess.run(
        [sys.executable, "-m", "cep", "jira", "export"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"},  # the year the site fixture is built in
    )
    assert (site / "downloads" / "jira-bundle.json").read_text(encoding="utf-8") == done.stdout
    html = page(site, "admin/jira")
    assert 'href="../../downloads/jira-bundle.json"' in html
    for rule in jira_bundle(process, [2026, 2027])["automation"]:
        assert rule["rule"]["name"].replace("×", "&times;") in html or rule["rule"]["name"] in html


def test_missing_graphviz_fails_the_build_with_advice(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    done = subprocess.run(
        [sys.executable, "-m", "cep", "build", "--site-dir", str(tmp_path / "site")],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PATH": str(tmp_path / "empty")},  # no `dot`, no `git`
    )
    assert done.returncode == 1
    assert "apt-get install graphviz" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "site").exists()


def test_renaming_the_triage_tier_id_keeps_the_worked_examples(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    definition = project / "process" / "escalation.yaml"
    definition.write_text(re.sub(r"\btier-1\b", "frontline", definition.read_text(encoding="utf-8")))
    done = build_manual(project, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    goals = page(tmp_path / "site", "reference/time-goals")
    assert "first response due" in goals and "two hours before closing" in goals  # routed from the triage tier


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ('{{ playbook("no-such-role") }}', "docs/reference/handovers.md: error: unknown role 'no-such-role'; known: "),
        (
            '{{ playbok("developer") }}',
            "docs/reference/handovers.md:5: error: 'playbok' is undefined; the manual's macros: ",
        ),
    ],
)
def test_a_page_with_a_bad_macro_call_fails_cleanly(tmp_path: Path, call: str, message: str) -> None:
    project = copy_project(tmp_path / "project")
    page_file = project / "docs" / "reference" / "handovers.md"  # replaces the standard page of that path
    page_file.parent.mkdir(parents=True)
    standard = (STANDARD_DOCS / "reference" / "handovers.md").read_text(encoding="utf-8")
    page_file.write_text(standard.replace("{{ handovers() }}", f"\n\n{call}"))
    done = build_manual(project, tmp_path / "site")
    assert done.returncode == 1
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "site").exists()


def _files(site: Path) -> dict[str, bytes]:
    return {str(f.relative_to(site)): f.read_bytes() for f in sorted(site.rglob("*")) if f.is_file()}


def test_a_rebuild_from_the_template_cache_is_byte_identical(tmp_path: Path) -> None:
    from cep.manual.plugin import TEMPLATE_CACHE

    project = copy_project(tmp_path / "project")
    first = build_manual(project, tmp_path / "first")
    assert first.returncode == 0, first.stderr
    cached = sorted((project / TEMPLATE_CACHE).iterdir())
    assert len(cached) > 10  # mkdocs-material's templates and partials, compiled
    git(project, "init", "-q")
    assert git(project, "status", "--porcelain", "--ignored", ".cache") == "!! .cache/"  # ignored, not untracked
    again = build_manual(project, tmp_path / "again")
    assert again.returncode == 0, again.stderr
    assert sorted((project / TEMPLATE_CACHE).iterdir()) == cached
    assert _files(tmp_path / "again") == _files(tmp_path / "first")


def test_a_cache_that_cannot_be_written_does_not_stop_the_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / ".cache").write_text("a file where the cache directory would go")
    done = build_manual(project, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "index.html").is_file()


def test_every_method_of_the_manual_is_a_macro_of_one_room() -> None:
    import inspect

    from cep.manual.macros import MACROS
    from cep.manual.reference import Manual

    listed = [name for names in MACROS.values() for name in names]
    public = [name for name, _ in inspect.getmembers(Manual, inspect.isfunction) if not name.startswith("_")]
    assert sorted(listed) == sorted(public)  # each once: a new method is placed in a room, or made private


def test_the_defects_readers_met_are_gone(site: Path) -> None:
    """The 404 page's home link, code shown with a backslash, internal action codes in prose, the agent's
    template list without the fields required only sometimes, where an incomplete escalation goes."""
    assert 'href="/">Go to the home page' in (site / "404.html").read_text(encoding="utf-8")
    goals = page(site, "reference/time-goals")
    assert re.search(r"<code[^>]*>first_response</code>", goals) and "first\\_response" not in goals
    assert "escalate:" not in page(site, "reference/breaches")
    agent = page(site, "playbooks/support-agent")
    assert "Steps to reproduce (required when category is bug)" in agent
    developer = page(site, "playbooks/developer")
    assert "Accepted feature hand-over from" in developer and "(no time goal)" in developer
    templates = page(site, "reference/templates")
    assert 'goes back to Tier 1\n(status "Returned to Tier 1")' in templates or (
        'goes back to Tier 1 (status "Returned to Tier 1")' in re.sub(r"\s+", " ", templates)
    )


def test_the_glossary_leads_the_readers_words_to_the_process_own(site: Path) -> None:
    glossary = page(site, "reference/glossary")
    for word, target in (
        ("SLA", "../time-goals/"),
        ("Severity", "../prioritisation/"),
        ("On call", "../time-goals/#on-call"),
        ("Urgent", "../prioritisation/"),
    ):
        entry = re.search(rf"<dt>{word}[^<]*</dt>\s*<dd>(.*?)</dd>", glossary, re.S)
        assert entry and f'href="{target}"' in entry.group(1), word


def test_who_does_what_informs_everyone_a_p1_only_trigger_reaches(site: Path, process: Process) -> None:
    """Every ticket a P1-only trigger takes is announced too, so the announcement's channel members hear of it."""
    roles_page = page(site, "reference/tiers-and-roles")
    table = roles_page[roles_page.index('id="who-does-what"') :]
    header = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
    p1_only = next(t for t in process.triggers if t.when.allowed("priority") == frozenset({"P1"}))
    row = re.search(rf"<tr>\s*<td[^>]*>Escalate: {re.escape(escape(p1_only.name))}</td>(.*?)</tr>", table, re.S)
    assert row, p1_only.name
    cells = dict(
        zip(
            header[1:],
            (re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)),
            strict=True,
        )
    )
    announced = {m for a in process.announcements for c in process.channels if c.id in a.notify for m in c.members}
    names = {r.id: r.name for r in process.roles}
    assert {"developer", "technical-program-manager"} <= announced
    for member in announced:
        assert cells[names[member]] in {"D", "I"}, (member, cells)


def test_the_examples_from_our_own_work_are_decided_by_the_router(site: Path, process: Process) -> None:
    """Each example's story is the definition's; its priority, route, channels and deadlines are the router's."""
    router = Router(process)
    agent = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page(site, "playbooks/support-agent")))
    assert process.examples
    for example in process.examples:
        reported = datetime.fromisoformat(example.reported)
        decision = router.route(
            Ticket(
                "x",
                example.category,
                example.urgency,
                example.impact,
                reported,
                bool(example.reproduced),
                process.default_route.tier,
            )
        )
        shown = agent[agent.index(example.story.replace("'", "&#x27;")[:40]) :][:1200]
        assert f"{decision.priority} {process.priority(decision.priority).name}" in shown
        assert process.tier(decision.route).name in shown
        for channel in decision.notify:
            assert channel in shown
        for name, due in decision.due.items():
            offset = f"{due.astimezone(reported.tzinfo):%z}"
            stamp = f"{due.astimezone(reported.tzinfo):%a %d %b %Y, %H:%M} (UTC{offset[:3]}:{offset[3:]})"
            assert f"{process.clocks[name].name.lower()} by {stamp}" in shown, (example.story, name)


def test_each_playbook_gives_its_readers_their_own_deadlines(site: Path, process: Process) -> None:
    def deadlines(role: str) -> str:
        html = page(site, f"playbooks/{role}")
        section = html[html.index('id="your-deadlines"') :]
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section[: section.index("<h2", 10)]))

    agent = deadlines("support-agent")
    assert "started when the customer opened the ticket" in agent
    for pr in process.priorities:  # the agent answers customers: first response and resolution, per priority
        assert f"{pr.id} {pr.name} {pr.first_response} {pr.resolution}" in agent
    developer = deadlines("developer")
    assert "P4 Low 30 business days Business hours" in developer and "priority first response" not in developer


# What the W3C's checker reports in markup the project does not write, each with where it comes from.
THEIRS = (
    # mkdocs-material: its drawer and search toggles are checkboxes with autocomplete="off", its nav labels
    # carry tabindex=""
    "Attribute “autocomplete” is only allowed when the input type is",
    "Bad value “” for attribute “tabindex” on element “label”",
    # mkdocs-print-site-plugin: its sections carry heading-number, and its style sits after the content
    "Attribute “heading-number” not allowed on element “section”",
    "A “style” element in “body” must be the first child of its parent.",
)


def test_the_w3c_checker_finds_no_error_in_the_projects_own_markup(site: Path) -> None:
    vnu = ROOT / "tests" / "node" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    pages = sorted(str(p) for p in site.rglob("*.html"))
    done = subprocess.run(
        ["java", "-jar", str(vnu), "--errors-only", "--format", "json", *pages], capture_output=True, text=True
    )
    errors = json.loads(done.stderr)["messages"]
    assert len(pages) > 25 and done.returncode in (0, 1)
    ours = [
        f"{m['url'].rsplit('/site/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in errors
        if not m["message"].startswith(THEIRS)
    ]
    assert ours == [], "\n".join(ours[:40])  # duplicate ids on the print page included
