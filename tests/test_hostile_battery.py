"""A hostile but ordinary battery: broken or extreme definitions, ticket lines and git revisions. Each must be
refused cleanly at the right place (FILE:LINE[:COL]: error:, the right exit code, no traceback) or handled, and
never crash, hang or lose data. Output paths have their own battery in test_output_safety.py."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from project import PROCESS, ROOT, copy_project, git

DEFAULT = PROCESS.read_text(encoding="utf-8")
TIMEOUT = 120  # seconds: far beyond what any case takes; reaching it means the command hung


def _changed(old: str, new: str, count: int = 1) -> str:
    assert DEFAULT.count(old) >= count, old
    return DEFAULT.replace(old, new, count)


def _line_of(text: str, needle: str, nth: int = 1) -> int:
    at = -1
    for _ in range(nth):
        at = text.index(needle, at + 1)
    return text.count("\n", 0, at) + 1


# (case, the changed definition, the text whose line the problem must be placed on (and which occurrence),
#  what the message says)
_UNREACHED = (
    "  - id: tier-4\n    name: Tier 4\n    short_name: Tier 4\n    status: At Tier 4\n    owner: support-agent\n"
)
_UNREACHED += "    summary: A tier nothing sends a ticket to.\n    talks_to_customers: false\n"
DEFINITIONS = [
    ("huge duration", _changed("resolution: 24 hours", "resolution: 4000000 days"), "4000000 days", 1, "longer than"),
    ("overflowing duration", _changed("resolution: 24 hours", f"resolution: {10**30} days"), str(10**30), 1, "longer"),
    ("slow duration", _changed("resolution: 24 hours", "resolution: 3000000 business days"), "3000000", 1, "longer"),
    ("arabic digits", _changed("resolution: 24 hours", "resolution: ٣ hours"), "٣ hours", 1, "cannot read duration"),
    ("id with a newline", _changed("  - id: tier-1\n", '  - id: "tier-1\\n"\n'), '"tier-1\\n"', 1, "tier-1\\n"),
    ("NUL in a name", _changed("name: Support agent", 'name: "Support\\0agent"'), "Support\\0agent", 1, "control"),
    (
        "bell in a summary",
        _changed("summary: A bug the Project Manager hands to development.", 'summary: "A \\a bug to hand over"'),
        '"A \\a bug',
        1,
        "control",
    ),
    (
        "duplicate issue type",
        _changed("    - id: insight\n", "    - id: escalation\n"),
        "- id: escalation\n      name: Insight",
        1,
        "duplicate id 'escalation' in jira.issue_types",
    ),
    (
        "duplicate breach rule",
        _changed("- id: hierarchical-escalation", "- id: functional-escalation"),
        "- id: functional-escalation",
        2,
        "duplicate id 'functional-escalation' in sla_alerts.breaches",
    ),
    (
        "unreachable tier",
        _changed("  - id: tier-1\n", _UNREACHED + "  - id: tier-1\n"),
        "id: tier-4",
        1,
        "tier 'tier-4' is never reached",
    ),
    (
        "breach loop",
        _changed("      escalate_to: tier-2-pm\n", "      escalate_to: tier-1\n"),
        "escalate_to: tier-1",
        1,
        "escalation cycle: tier-1 → tier-1",
    ),
    (
        "type error through an alias",
        _changed('version: "1.0.1"', "version: &v [1]").replace("    short_name: Tier 1\n", "    short_name: *v\n"),
        "short_name: *v",
        1,
        "tiers[0].short_name must be text",
    ),
]


@pytest.mark.parametrize(("case", "text", "needle", "nth", "message"), DEFINITIONS, ids=[d[0] for d in DEFINITIONS])
def test_a_broken_definition_is_refused_at_its_line(tmp_path, case, text, needle, nth, message) -> None:
    project = copy_project(tmp_path / "project")
    (project / "process" / "escalation.yaml").write_text(text, encoding="utf-8")
    line = _line_of(text, needle, nth)
    for command in (["validate"], ["route", "-"], ["jira", "export"], ["diagrams", "--out", "d"], ["check"]):
        done = subprocess.run(
            [sys.executable, "-m", "cep", *command],
            cwd=project,
            input="",
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert done.returncode == 1, (command, done.stderr)
        problems = done.stderr.splitlines()
        assert [p for p in problems if p.startswith(f"process/escalation.yaml:{line}:") and message in p], problems
        assert all(": error: " in p for p in problems) and "Traceback" not in done.stderr
    assert not (project / "d").exists()


def test_the_longest_durations_are_accepted_and_every_command_works(tmp_path) -> None:
    text = DEFAULT.replace("resolution: 30 business days", "resolution: 366 business days").replace(
        "resolution: 24 hours", "resolution: 8784 hours"
    )
    project = copy_project(tmp_path / "project")
    (project / "process" / "escalation.yaml").write_text(text, encoding="utf-8")
    tickets = [
        {"id": "late", "category": "how-to", "urgency": "low", "impact": "individual", "created": "2100-12-31T23:59Z"},
        {"id": "early", "category": "bug", "urgency": "critical", "impact": "platform", "created": "1970-01-01T00:00Z"},
    ]
    stdin = "".join(json.dumps(t) + "\n" for t in tickets)
    for command in (["validate"], ["route", "--format", "jsonl"], ["jira", "export"], ["diagrams", "--out", "d"]):
        done = subprocess.run(
            [sys.executable, "-m", "cep", *command],
            cwd=project,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert (done.returncode, done.stderr) == (0, ""), command
    routed = subprocess.run(
        [sys.executable, "-m", "cep", "route", "--format", "jsonl"],
        cwd=project,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    ).stdout
    assert json.loads(routed.splitlines()[0])["resolution_due"].startswith("2102-")


# (a ticket line, the problem it must give at its line, or None when it is routed)
LINES = [
    (
        b'{"id": "A", "category": "bug", "category": "outage", "urgency": "low", "impact": "team", "created": '
        b'"2026-12-01T10:00:00Z"}',
        "the field 'category' is given twice",
    ),
    (b'{"id": "N", "category": "bug", "urgency": "low", "impact": "team", "created": NaN}', "'created'"),
    (
        b'{"id": 123456789012345678901234567890, "category": "bug", "urgency": "low", "impact": "team", "created": '
        b'"2026-12-01T10:00:00Z"}',
        None,
    ),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (
        b'{"id": "\\ud800", "category": "bug", "urgency": "low", "impact": "team", "created": "2026-12-01T10:00Z"}',
        "lone UTF-16 surrogate",
    ),
    (
        b'{"id": "Y", "category": "bug", "urgency": "low", "impact": "team", "created": "9999-12-31T23:59Z"}',
        "outside the years",
    ),
    (
        b'{"id": "Y", "category": "bug", "urgency": "low", "impact": "team", "created": "0001-01-01T00:00Z"}',
        "outside the years",
    ),
    (b"\xff\xfe not utf-8", "not UTF-8"),
    (b"{}", "missing ticket field"),
    (b"null", "JSON object"),
    (
        b'{"id": "L", "category": "bug", "urgency": "low", "impact": "team", "created": "2026-12-01T10:00Z", '
        b'"fields": {"x": "' + b"y" * 1_000_000 + b'"}}',
        None,
    ),
    (
        b'{"id": "W", "category": "bug", "urgency": "low", "impact": "team", "created": "2026-12-01T10:00Z", '
        b'"waiting": [["2026-12-02T10:00Z", "2026-12-01T10:00Z"]]}',
        "ends before it starts",
    ),
    (
        b'{"id": "T", "category": "bug", "urgency": "low", "impact": "team", "created": "2026-12-01T10:00Z", '
        b'"tier": {"a": 1}}',
        "unknown tier",
    ),
]


def test_hostile_ticket_lines_are_reported_at_their_line_and_the_rest_routed(tmp_path) -> None:
    path = tmp_path / "tickets.jsonl"
    path.write_bytes(b"\n".join(line for line, _ in LINES) + b"\n")
    for jobs in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "cep", "route", "--format", "jsonl", "--jobs", jobs, str(path)],
            cwd=ROOT,
            capture_output=True,
            timeout=TIMEOUT,
        )
        assert done.returncode == 1
        problems = done.stderr.decode().splitlines()
        assert "Traceback" not in done.stderr.decode()
        expected = [(n, said) for n, (_, said) in enumerate(LINES, start=1) if said]
        assert len(problems) == len(expected), problems
        for (number, said), problem in zip(expected, problems, strict=True):
            assert problem.startswith(f"{path}:{number}: error: ") and said in problem, (number, problem)
        assert len(done.stdout.splitlines()) == len(LINES) - len(expected)  # every other line routed


REVISIONS = ["-x", "--output={outside}", "HEAD~999", "no-such-branch", "HEAD:../..", "..", "$(touch pwned)", "@{-1}"]


@pytest.mark.parametrize("revision", REVISIONS)
def test_a_git_revision_that_is_not_one_is_a_usage_error(tmp_path, revision) -> None:
    repo = copy_project(tmp_path / "repo")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "start")
    before = sorted(p.name for p in repo.iterdir())
    done = subprocess.run(
        [sys.executable, "-m", "cep", "diff", revision.replace("{outside}", str(tmp_path / "written"))],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("cep diff: error: ") or ": error: " in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in repo.iterdir()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo"]  # git was given no option to write elsewhere


def test_an_oversized_side_of_a_diff_is_refused_before_it_is_read(tmp_path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as out:
        out.truncate(1536 * 1024 * 1024)  # 1.5 GB, sparse: reading it whole would take that much memory
    done = subprocess.run(
        [sys.executable, "-m", "cep", "diff", str(huge)], cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert done.returncode == 1
    assert done.stderr == f"{huge}: error: the file is 1610612736 bytes; the limit is 2097152 bytes\n"
