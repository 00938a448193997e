"""`cep report` against histories whose true answers are worked out by hand (Johannesburg business hours, Mon–Fri
08:00–17:00, South African holidays): weekends, waits, returns, a breach escalation, deviations, and a process
change in the middle of the history."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator

from cep.definition.loader import load_process
from cep.report.jira_issue import IssueBuilder, SiteFields
from cep.report.lived_path import lived_path
from project import PROCESS, ROOT

PLATFORM = json.loads((ROOT / "process" / "schema" / "jira-platform-components.json").read_text(encoding="utf-8"))
AT = "2026-12-20T12:00:00+02:00"
TEXTS = ("Customer organisation", "Expected outcome", "Actual outcome", "Steps to reproduce")


def t(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}:00+02:00".replace(" ", "T"))


def _ticket(
    site: SiteFields,
    key: str,
    created: str,
    category: str,
    urgency: str,
    impact: str,
    priority: str,
    reproduced: str | None = None,
    blank: tuple[str, ...] = (),
) -> IssueBuilder:
    names = site.jira.fields
    fields: dict[str, Any] = {
        names["category"]: category,
        names["urgency"]: urgency,
        names["impact"]: impact,
        names["reproduced"]: reproduced,
        names["tier"]: "tier-1",
        "priority": priority,
        "status": "Triage at Tier 1",
        "reporter": {"accountId": "customer"},
        "summary": f"{key}: a headset keeps losing tracking",
        "description": "In the fire-safety module, cohort B.",
        **{name: None if name in blank else "filled in" for name in TEXTS},
    }
    return IssueBuilder(site, key, t(created), fields)


def _histories(site: SiteFields) -> list[dict[str, Any]]:
    tier = site.jira.fields["tier"]
    issues = []

    # K-1: a reproduced P2 bug escalated at once, late on a Friday; waits 3 business hours on Monday.
    k = _ticket(site, "K-1", "2026-11-27 16:00", "bug", "high", "team", "P2", reproduced="Yes")
    k.change(t("2026-11-27 16:00"), tier, "tier-2-pm")
    k.change(t("2026-11-30 09:30"), "assignee", "pm")
    k.comment(t("2026-11-30 10:30"), "agent")
    k.change(t("2026-11-30 12:00"), "status", "Waiting for customer")
    k.change(t("2026-11-30 15:00"), "status", "Escalated to the Project Manager")
    k.resolve(t("2026-12-03 09:00"), "Resolved")
    issues.append(k.issue())

    # K-2: a P3 how-to the agent made P2; answered and resolved the same morning.
    k = _ticket(site, "K-2", "2026-11-30 10:00", "how-to", "medium", "team", "P3")
    k.change(t("2026-11-30 10:05"), "priority", "P2")
    k.comment(t("2026-11-30 10:10"), "agent")
    k.comment(t("2026-11-30 10:01"), "customer")  # the reporter's own comment is no response
    k.resolve(t("2026-11-30 12:00"), "Resolved")
    issues.append(k.issue())

    # K-3: a feature request sent to the Project Manager instead of the Product Owner; never answered.
    k = _ticket(site, "K-3", "2026-12-01 09:00", "feature-request", "low", "individual", "P4")
    k.change(t("2026-12-01 09:30"), tier, "tier-2-pm")
    issues.append(k.issue())

    # K-4: a content error escalated without its expected outcome, returned, completed, escalated again.
    k = _ticket(site, "K-4", "2026-12-02 09:00", "content", "low", "individual", "P4", blank=("Expected outcome",))
    k.change(t("2026-12-02 09:10"), tier, "tier-2-pm")
    k.change(t("2026-12-02 11:00"), "status", "Returned to Tier 1")
    k.change(t("2026-12-02 11:00"), tier, "tier-1")
    k.change(t("2026-12-02 11:30"), "Expected outcome", "the lesson plays to its end")
    k.change(t("2026-12-02 12:00"), tier, "tier-2-pm")
    k.comment(t("2026-12-02 09:05"), "agent")
    k.resolve(t("2026-12-04 10:00"), "Resolved")
    issues.append(k.issue())

    # K-5: a P4 how-to nobody answered: its first-response goal is missed, and the escalation that follows is
    # the one the process prescribes.
    k = _ticket(site, "K-5", "2026-11-30 09:00", "how-to", "medium", "individual", "P4")
    k.change(t("2026-12-02 10:00"), tier, "tier-2-pm")
    k.change(t("2026-12-02 10:30"), "assignee", "pm")
    k.resolve(t("2026-12-03 12:00"), "Resolved")
    issues.append(k.issue())

    # K-6: a P4 how-to escalated after an hour, though no trigger matched and no goal was missed.
    k = _ticket(site, "K-6", "2026-12-07 09:00", "how-to", "low", "team", "P4")
    k.comment(t("2026-12-07 09:20"), "agent")
    k.change(t("2026-12-07 10:00"), tier, "tier-2-pm")
    issues.append(k.issue())

    # K-7: created under version 1.0.0, whose matrix gave medium × team P2.
    k = _ticket(site, "K-7", "2026-11-28 10:00", "how-to", "medium", "team", "P2")
    k.comment(t("2026-11-30 09:00"), "agent")
    k.resolve(t("2026-11-30 11:00"), "Resolved")
    issues.append(k.issue())

    # K-8: a P2 created the evening before the Day of Reconciliation (16 December, a public holiday).
    k = _ticket(site, "K-8", "2026-12-15 16:00", "account", "high", "team", "P2")
    k.comment(t("2026-12-17 10:00"), "agent")
    issues.append(k.issue())
    return issues


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository whose definition was 1.0.0 (medium × team: P2) from 1 November and is 1.0.1 (P3) from
    29 November."""
    root = tmp_path_factory.mktemp("history")
    (root / "process").mkdir()
    shutil.copytree(ROOT / "process" / "schema", root / "process" / "schema")
    text = PROCESS.read_text(encoding="utf-8")
    current = "  medium: {platform: P2, organisation: P3, team: P3, individual: P4}"
    assert current in text
    old = text.replace(current, current.replace("team: P3", "team: P2")).replace('version: "1.0.1"', 'version: "1.0.0"')
    definition = root / "process" / "escalation.yaml"

    def commit(content: str, day: str) -> None:
        definition.write_text(content, encoding="utf-8")
        env = {**os.environ, "GIT_AUTHOR_DATE": f"{day}T10:00:00Z", "GIT_COMMITTER_DATE": f"{day}T10:00:00Z"}
        for args in (["add", "-A"], ["commit", "-qm", f"process as of {day}"]):
            subprocess.run(
                ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
                cwd=root,
                check=True,
                env=env,
                capture_output=True,
            )

    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    commit(old, "2026-11-01")
    commit(text, "2026-11-29")
    site = SiteFields(load_process(definition))
    (root / "histories.json").write_text(json.dumps(site.page(_histories(site)), indent=1), encoding="utf-8")
    return root


def _report(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cep", "report", *args], cwd=root, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def verdicts(repository: Path) -> dict[str, dict[str, Any]]:
    done = _report(repository, "histories.json", "--format", "jsonl", "--at", AT)
    assert done.returncode == 0, done.stderr
    return {line["key"]: line for line in map(json.loads, done.stdout.splitlines())}


def test_the_histories_are_pages_of_jira_s_issue_search(repository: Path) -> None:
    page = json.loads((repository / "histories.json").read_text(encoding="utf-8"))
    name = PLATFORM["responses"]["search"]["schema"]
    OAS30Validator({"$ref": f"#/components/schemas/{name}", **PLATFORM}).validate(page)
    assert len(page["issues"]) == 8


def _clock(verdict: dict[str, Any], name: str) -> tuple[str | None, str | None, str]:
    clock = verdict["clocks"][name]
    return clock["due"], clock["stopped"], clock["state"]


def test_a_p2_bug_escalated_on_a_friday_follows_the_process(verdicts) -> None:
    v = verdicts["K-1"]
    assert (v["expected_priority"], v["actual_priority"], v["expected_route"]) == ("P2", "P2", "tier-2-pm")
    assert v["tiers"] == ["tier-1", "tier-2-pm"] and v["conformant"] is True and v["deviations"] == []
    assert v["version"] == "1.0.0"  # created 27 November, before 1.0.1
    # 4 business hours from Fri 16:00: one on Friday, three on Monday.
    assert _clock(v, "first_response") == ("2026-11-30T11:00:00+02:00", "2026-11-30T10:30:00+02:00", "met")
    # 2 business hours from entering Tier 2 at Fri 16:00; assigned at 09:30.
    assert _clock(v, "acknowledge") == ("2026-11-30T09:00:00+02:00", "2026-11-30T09:30:00+02:00", "missed")
    # 27 business hours (Wed 16:00) plus the 3 waited on Monday: Thu 10:00.
    assert _clock(v, "resolution") == ("2026-12-03T10:00:00+02:00", "2026-12-03T09:00:00+02:00", "met")
    assert v["waiting_seconds"] == 3 * 3600
    assert v["time_in_tier"] == {"tier-2-pm": (5 * 24 + 17) * 3600}  # Fri 16:00 to Thu 09:00
    assert v["handover_missing"] == [] and v["returns"] == 0
    assert v["expected_notify"] == ["#cep-escalations"]  # confirmed-bug's channel; no P1 announcement


def test_a_priority_set_against_the_matrix_is_a_deviation_that_says_why(verdicts) -> None:
    v = verdicts["K-2"]
    assert (v["version"], v["expected_priority"], v["actual_priority"], v["conformant"]) == ("1.0.1", "P3", "P2", False)
    assert [d["kind"] for d in v["deviations"]] == ["priority"]
    assert "P2 where the process says P3" in v["deviations"][0]["why"]
    assert "medium urgency × team impact" in v["deviations"][0]["why"]
    assert _clock(v, "first_response") == ("2026-12-01T10:00:00+02:00", "2026-11-30T10:10:00+02:00", "met")
    assert _clock(v, "resolution") == ("2026-12-14T10:00:00+02:00", "2026-11-30T12:00:00+02:00", "met")


def test_an_insight_sent_to_the_wrong_tier_never_reaches_the_product_owner(verdicts) -> None:
    v = verdicts["K-3"]
    assert (v["expected_route"], v["tiers"], v["conformant"]) == ("tier-2-po", ["tier-1", "tier-2-pm"], False)
    assert v["deviations"][0]["kind"] == "route" and "went to tier-2-pm" in v["deviations"][0]["why"]
    assert v["insight_reached"] is False and v["handover_missing"] is None
    # No resolution goal for insights; no acknowledgement clock, as the Product Owner never had it.
    assert set(v["clocks"]) == {"first_response", "review"}
    assert _clock(v, "first_response") == ("2026-12-03T09:00:00+02:00", None, "missed")
    assert _clock(v, "review") == ("2026-12-15T09:00:00+02:00", None, "missed")  # 10 business days


def test_an_incomplete_hand_over_is_returned_and_counted(verdicts) -> None:
    v = verdicts["K-4"]
    assert v["tiers"] == ["tier-1", "tier-2-pm", "tier-1", "tier-2-pm"] and v["returns"] == 1
    assert v["handover_missing"] == ["expected_outcome"] and v["conformant"] is True
    assert v["time_in_tier"] == {"tier-1": 600 + 3600, "tier-2-pm": 6600 + 46 * 3600}


def test_an_escalation_after_a_missed_goal_is_the_process_one_without_is_not(verdicts) -> None:
    prescribed = verdicts["K-5"]
    assert prescribed["expected_route"] == "tier-1" and prescribed["tiers"] == ["tier-1", "tier-2-pm"]
    assert prescribed["conformant"] is True
    assert _clock(prescribed, "first_response") == ("2026-12-02T09:00:00+02:00", None, "missed")
    assert "acknowledge" not in prescribed["clocks"]  # the process routes it nowhere: no tier acknowledges
    unprompted = verdicts["K-6"]
    assert unprompted["conformant"] is False
    assert "no trigger matched and no missed goal" in unprompted["deviations"][0]["why"]
    assert _clock(unprompted, "first_response")[2] == "met" and "resolution" in unprompted["clocks"]


def test_each_ticket_is_judged_by_the_version_in_force_when_it_was_created(verdicts) -> None:
    assert (verdicts["K-7"]["version"], verdicts["K-7"]["expected_priority"]) == ("1.0.0", "P2")
    assert verdicts["K-7"]["conformant"] is True
    assert (verdicts["K-2"]["version"], verdicts["K-2"]["expected_priority"]) == ("1.0.1", "P3")


def test_a_public_holiday_is_skipped_and_a_clock_still_running_is_open(verdicts) -> None:
    v = verdicts["K-8"]
    # Tue 15 Dec 16:00 + 4 business hours: one on Tuesday, the 16th is a holiday, three on Thursday.
    assert _clock(v, "first_response") == ("2026-12-17T11:00:00+02:00", "2026-12-17T10:00:00+02:00", "met")
    # 27 business hours: Tue 1, Thu 9, Fri 9, Mon 8: Mon 21 Dec 16:00, after --at: open.
    assert _clock(v, "resolution") == ("2026-12-21T16:00:00+02:00", None, "open")


def test_a_wait_still_open_at_the_moment_judged_lasts_until_then(repository: Path) -> None:
    # As `cep route --at` judges it: the wait pauses the resolution clock until --at, and a goal missed before the
    # wait began stays missed.
    site = SiteFields(load_process(repository / "process" / "escalation.yaml"))
    k = _ticket(site, "K-9", "2026-12-07 09:00", "account", "high", "team", "P2")
    k.comment(t("2026-12-07 09:30"), "agent")
    k.change(t("2026-12-11 10:00"), "status", "Waiting for customer")
    late = k.issue()
    k = _ticket(site, "K-10", "2026-12-14 09:00", "account", "high", "team", "P2")
    k.comment(t("2026-12-14 09:30"), "agent")
    k.change(t("2026-12-15 09:00"), "status", "Waiting for customer")
    (repository / "waiting.json").write_text(json.dumps(site.page([late, k.issue()])), encoding="utf-8")
    done = _report(repository, "waiting.json", "--format", "jsonl", "--at", AT)
    assert done.returncode == 0, done.stderr
    v = {line["key"]: line for line in map(json.loads, done.stdout.splitlines())}
    # 27 business hours from Mon 7 Dec 09:00: Mon 8, Tue 9, Wed 9, Thu 1: Thu 10 Dec 09:00, before the wait.
    assert _clock(v["K-9"], "resolution") == ("2026-12-10T09:00:00+02:00", None, "missed")
    # From Mon 14 Dec 09:00: 8 hours ran on Monday and one on Tuesday before the wait; it lasts until --at, so the
    # other 18 run after it: Mon 21 Dec 9, Tue 22 Dec 9, due at Tuesday's closing time.
    assert _clock(v["K-10"], "resolution") == ("2026-12-22T17:00:00+02:00", None, "open")


def test_a_reopened_ticket_is_resolved_only_when_it_is_resolved_again(repository: Path) -> None:
    """Without `resolutiondate` (a workflow that clears it on reopening), the status history says when."""
    site = SiteFields(load_process(repository / "process" / "escalation.yaml"))
    histories = []
    for key, statuses in (
        ("K-14", ("Resolved", "Triage at Tier 1")),  # reopened on Tuesday, still open
        ("K-15", ("Resolved", "Triage at Tier 1", "Resolved")),  # resolved again on Wednesday
        ("K-16", ("Resolved", "Closed")),  # closed the day after it was resolved
    ):
        k = _ticket(site, key, "2026-11-30 09:00", "how-to", "low", "team", "P4")
        k.comment(t("2026-11-30 09:30"), "agent")
        for day, status in zip((30, 1, 2), statuses, strict=False):
            k.change(t(f"2026-{11 if day == 30 else 12}-{day:02} 10:00"), "status", status)
        histories.append(k.issue())
    assert all(issue["fields"]["resolutiondate"] is None for issue in histories)
    (repository / "reopened.json").write_text(json.dumps(site.page(histories)), encoding="utf-8")
    done = _report(repository, "reopened.json", "--format", "jsonl", "--at", AT)
    assert done.returncode == 0, done.stderr
    v = {line["key"]: line for line in map(json.loads, done.stdout.splitlines())}
    assert [v[k]["resolved"] for k in ("K-14", "K-15", "K-16")] == [
        None,
        "2026-12-02T10:00:00+02:00",
        "2026-11-30T10:00:00+02:00",
    ]
    # P4 resolution: 30 business days from Mon 30 Nov 09:00, skipping 16 and 25 December and 1 January.
    assert _clock(v["K-14"], "resolution") == ("2027-01-14T09:00:00+02:00", None, "open")
    assert _clock(v["K-15"], "resolution")[1:] == ("2026-12-02T10:00:00+02:00", "met")
    assert v["K-14"]["time_in_tier"] == {"tier-1": pytest.approx((20 * 24 + 3) * 3600)}  # to the moment judged


def test_tier_3_acknowledges_a_bug_from_the_fix_window_or_at_once(repository: Path) -> None:
    site = SiteFields(load_process(repository / "process" / "escalation.yaml"))
    tier, code = site.jira.fields["tier"], site.jira.fields["needs_code_change"]
    handed = []
    for key, urgency, priority, moved, picked, noted in (
        ("K-11", "medium", "P3", "2026-12-10 10:00", "2026-12-17 11:00", None),
        ("K-12", "high", "P2", "2026-12-08 16:00", "2026-12-09 10:30", None),
        ("K-13", "high", "P2", "2026-12-08 16:00", "2026-12-09 10:30", "2026-12-09 08:30"),
    ):
        k = _ticket(site, key, "2026-12-07 09:00", "bug", urgency, "team", priority, reproduced="Yes")
        k.change(t("2026-12-07 09:10"), tier, "tier-2-pm")
        k.change(t("2026-12-07 10:00"), "assignee", "pm")
        k.change(t(moved), code, "Yes")
        k.change(t(moved), tier, "tier-3")
        k.change(t(picked), "assignee", "dev")
        if noted:
            k.comment(t(noted), "dev", public=False)
        handed.append(k.issue())
    (repository / "handed.json").write_text(json.dumps(site.page(handed)), encoding="utf-8")
    done = _report(repository, "handed.json", "--format", "jsonl", "--at", AT)
    assert done.returncode == 0, done.stderr
    v = {line["key"]: line for line in map(json.loads, done.stdout.splitlines())}
    assert v["K-11"]["tiers"] == ["tier-1", "tier-2-pm", "tier-3"]
    assert v["K-11"]["expected_notify"] == ["#cep-escalations", "#cep-dev-triage"]  # the escalation, the hand-over
    # P3 waits for the fix window: handed over Thu 10 Dec, the next Wednesday (16 Dec) is a public holiday, so
    # Tier 3's clock starts Thu 17 Dec 08:00 and runs one business day.
    assert _clock(v["K-11"], "acknowledge:tier-3") == ("2026-12-17T17:00:00+02:00", "2026-12-17T11:00:00+02:00", "met")
    # P2 goes at once: 2 business hours from Tue 8 Dec 16:00, one on Tuesday and one on Wednesday.
    assert _clock(v["K-12"], "acknowledge:tier-3") == (
        "2026-12-09T09:00:00+02:00",
        "2026-12-09T10:30:00+02:00",
        "missed",
    )
    # An internal comment acknowledges as the assignment does (the bundle's SLA stops on either): the first counts.
    assert _clock(v["K-13"], "acknowledge:tier-3") == ("2026-12-09T09:00:00+02:00", "2026-12-09T08:30:00+02:00", "met")
    assert _clock(v["K-13"], "first_response")[1] is None  # an internal comment is no response to the customer
    # Tier 2's own acknowledgement is still judged from the escalation.
    assert _clock(v["K-12"], "acknowledge") == ("2026-12-07T11:10:00+02:00", "2026-12-07T10:00:00+02:00", "met")


def test_the_summary_splits_every_figure_by_version(repository: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    done = _report(repository, "histories.json", "--format", "json", "--at", AT, "--out", str(out))
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary == json.loads((out / "summary.json").read_text(encoding="utf-8"))
    by_version = {row["version"]: row for row in summary["by_version"]}
    assert (by_version["1.0.0"]["tickets"], by_version["1.0.0"]["conformant"]) == (2, 2)  # K-1, K-7
    assert (by_version["1.0.1"]["tickets"], by_version["1.0.1"]["conformant"]) == (6, 3)  # K-2, K-3, K-6 deviate
    assert (by_version["1.0.1"]["returned_tickets"], by_version["1.0.1"]["returns"]) == (1, 1)
    assert (by_version["1.0.1"]["handovers"], by_version["1.0.1"]["complete_handovers"]) == (1, 0)  # K-4
    assert (by_version["1.0.1"]["insights"], by_version["1.0.1"]["insights_reached"]) == (1, 0)  # K-3
    # Version 1.0.0: K-1 met 2 of 3, K-7 met both (P2 from Sat 10:00: due Mon 12:00 and Wed 17:00).
    assert by_version["1.0.0"]["attainment"] == pytest.approx(4 / 5)
    deviations = {(row["version"], row["why_pattern"]): row for row in summary["deviations"]}
    assert deviations[("1.0.1", "priority P2 where the process says P3")]["example"] == "K-2"
    tiers = {(row["version"], row["tier"]): row for row in summary["time_in_tier"]}
    assert tiers[("1.0.0", "tier-2-pm")]["median_hours"] == pytest.approx(137)
    for name in ("tickets", "clocks", "tier_times", "deviations", "notifications"):
        assert (out / f"{name}.parquet").is_file() and (out / f"{name}.csv").is_file()
    assert "version 1.0.1: 6 tickets, 50% followed the process" in (out / "summary.txt").read_text()


def test_every_figure_of_the_summary_is_the_one_worked_out_by_hand(repository: Path) -> None:
    done = _report(repository, "histories.json", "--format", "json", "--at", AT)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)

    def rows(name: str, *columns: str) -> list[tuple[Any, ...]]:
        return [tuple(row[c] for c in columns) for row in summary[name]]

    # Weeks start on Monday; a clock counts under the ticket's week and the priority the process gives it.
    assert rows("attainment", "version", "week", "clock", "priority", "met", "missed", "still_open") == [
        ("1.0.0", "2026-11-23", "acknowledge", "P2", 0, 1, 0),  # K-1: assigned 09:30, due 09:00
        ("1.0.0", "2026-11-23", "first_response", "P2", 2, 0, 0),  # K-1, K-7
        ("1.0.0", "2026-11-23", "resolution", "P2", 2, 0, 0),  # K-1, K-7
        ("1.0.1", "2026-11-30", "acknowledge", "P4", 0, 1, 0),  # K-4: never assigned at Tier 2
        ("1.0.1", "2026-11-30", "first_response", "P3", 1, 0, 0),  # K-2
        ("1.0.1", "2026-11-30", "first_response", "P4", 1, 2, 0),  # K-4 met; K-3, K-5 never answered
        ("1.0.1", "2026-11-30", "resolution", "P3", 1, 0, 0),  # K-2
        ("1.0.1", "2026-11-30", "resolution", "P4", 2, 0, 0),  # K-4, K-5 (K-3's category has no resolution goal)
        ("1.0.1", "2026-11-30", "review", "P4", 0, 1, 0),  # K-3: no review in 10 business days
        ("1.0.1", "2026-12-07", "first_response", "P4", 1, 0, 0),  # K-6
        ("1.0.1", "2026-12-07", "resolution", "P4", 0, 0, 1),  # K-6, still open on 20 December
        ("1.0.1", "2026-12-14", "first_response", "P2", 1, 0, 0),  # K-8, after the holiday
        ("1.0.1", "2026-12-14", "resolution", "P2", 0, 0, 1),  # K-8, due 21 December
    ]
    assert [row["attainment"] for row in summary["attainment"]] == pytest.approx(
        [0, 1, 1, 0, 1, 1 / 3, 1, 1, 0, 1, None, 1, None]
    )
    assert rows("volume", "version", "week", "category", "priority", "tickets") == [
        ("1.0.0", "2026-11-23", "bug", "P2", 1),  # K-1
        ("1.0.0", "2026-11-23", "how-to", "P2", 1),  # K-7, P2 under 1.0.0
        ("1.0.1", "2026-11-30", "content", "P4", 1),  # K-4
        ("1.0.1", "2026-11-30", "feature-request", "P4", 1),  # K-3
        ("1.0.1", "2026-11-30", "how-to", "P3", 1),  # K-2
        ("1.0.1", "2026-11-30", "how-to", "P4", 1),  # K-5
        ("1.0.1", "2026-12-07", "how-to", "P4", 1),  # K-6
        ("1.0.1", "2026-12-14", "account", "P2", 1),  # K-8
    ]
    # Only the tickets a trigger routes are posted: K-1 (confirmed bug), K-4 (content error), K-3 (insight).
    assert rows("channels", "version", "week", "channel", "tickets") == [
        ("1.0.0", "2026-11-23", "#cep-escalations", 1),
        ("1.0.1", "2026-11-30", "#cep-escalations", 1),
        ("1.0.1", "2026-11-30", "#cep-product-feedback", 1),
    ]
    # Hours at a tier, per ticket that spent time there (to resolution, else to 20 Dec 12:00):
    # 1.0.0 Tier 1: K-7 49 (K-1 left at once); 1.0.0 Tier 2: K-1 137;
    # 1.0.1 Tier 1: K-3 0.5, K-6 1, K-4 1 1/6 (10 min, then 1 h after its return), K-2 2, K-5 49, K-8 116;
    # 1.0.1 Tier 2: K-5 26, K-4 47 5/6, K-6 314, K-3 458.5. Percentiles interpolate, as quantile_cont does.
    assert rows("time_in_tier", "version", "tier", "tickets") == [
        ("1.0.0", "tier-1", 1),
        ("1.0.0", "tier-2-pm", 1),
        ("1.0.1", "tier-1", 6),
        ("1.0.1", "tier-2-pm", 4),
    ]
    assert [h for row in rows("time_in_tier", "median_hours", "p90_hours") for h in row] == pytest.approx(
        [49, 49, 137, 137, (7 / 6 + 2) / 2, 49 + 0.5 * (116 - 49), (47 + 5 / 6 + 314) / 2, 314 + 0.7 * (458.5 - 314)]
    )
    assert rows("deviations", "version", "kind", "why_pattern", "tickets", "example") == [
        ("1.0.1", "priority", "priority P2 where the process says P3", 1, "K-2"),
        (
            "1.0.1",
            "route",
            "went to tier-2-pm though no trigger matched and no missed goal escalates it there",
            1,
            "K-6",
        ),
        ("1.0.1", "route", "went to tier-2-pm where trigger product-insight routes it to tier-2-po", 1, "K-3"),
    ]
    assert rows("by_version", "version", "tickets", "conformant", "returned_tickets", "returns") == [
        ("1.0.0", 2, 2, 0, 0),
        ("1.0.1", 6, 3, 1, 1),  # K-4 returned once
    ]
    assert rows("by_version", "handovers", "complete_handovers", "insights", "insights_reached") == [
        (1, 1, 0, 0),  # K-1's escalation report was complete
        (1, 0, 1, 0),  # K-4's lacked its expected outcome; K-3 never reached the Product Owner
    ]
    # Met over met and missed: 1.0.0 4 of 5; 1.0.1 7 of 11 (K-6's and K-8's open resolutions aside).
    assert [row["attainment"] for row in summary["by_version"]] == pytest.approx([4 / 5, 7 / 11])
    assert [row["conformance"] for row in summary["by_version"]] == pytest.approx([1, 0.5])
    assert set(summary) == {"by_version", "attainment", "volume", "channels", "time_in_tier", "deviations"}


def test_a_history_that_cannot_be_read_is_reported_and_the_rest_are_judged(repository: Path, tmp_path: Path) -> None:
    page = json.loads((repository / "histories.json").read_text(encoding="utf-8"))
    good, unknown = page["issues"][0], json.loads(json.dumps(page["issues"][1]))
    category = next(k for k, v in page["names"].items() if v == "CEP category")
    unknown["fields"][category] = {"value": "complaint"}
    cut = json.loads(json.dumps(page["issues"][3]))  # K-4, whose changelog the page holds only part of
    cut["changelog"] = {**cut["changelog"], "histories": cut["changelog"]["histories"][:2], "maxResults": 2}
    lines = [
        json.dumps({**page, "issues": [good]}),
        "{not json",
        json.dumps({**unknown, "names": page["names"]}),
        json.dumps({**cut, "names": page["names"]}),
    ]
    (repository / "lines.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = _report(repository, "lines.jsonl", "--format", "jsonl", "--at", AT)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert [json.loads(line)["key"] for line in done.stdout.splitlines()] == ["K-1"]
    errors = done.stderr.splitlines()
    assert errors[0].startswith("lines.jsonl:2: error: ")
    assert errors[1] == (
        "lines.jsonl:3: error: issue K-2: 'CEP category' is 'complaint'; the process knows how-to, account, "
        "content, bug, outage, feature-request, feedback"
    )
    total = cut["changelog"]["total"]
    assert errors[2] == (
        f"lines.jsonl:4: error: issue K-4: its changelog holds 2 of its {total} changes (a search page holds only "
        "part of a long one): pull it with --from-jira, which completes it, or add the rest from "
        "GET /rest/api/3/issue/K-4/changelog"
    )


MAPPING = """\
fields: {category: Request kind, tier: Support level}
values:
  category: {Question: how-to, Defect: bug}
  tier: {L1: tier-1, L2: tier-2-pm}
  priority: {Highest: P1, High: P2, Medium: P3, Low: P4}
statuses: {waiting: Pending customer, resolved: Done}
"""


def test_another_site_s_names_are_read_through_a_mapping_file(repository: Path, verdicts) -> None:
    text = (repository / "histories.json").read_text(encoding="utf-8")
    for old, new in (
        ('"CEP category"', '"Request kind"'),
        ('"CEP tier"', '"Support level"'),
        ('"how-to"', '"Question"'),
        ('"bug"', '"Defect"'),
        ('"tier-1"', '"L1"'),
        ('"tier-2-pm"', '"L2"'),
        ('"Waiting for customer"', '"Pending customer"'),
        ('"Resolved"', '"Done"'),
        *((f'"P{n}"', f'"{name}"') for n, name in enumerate(("Highest", "High", "Medium", "Low"), start=1)),
    ):
        text = text.replace(old, new)
    (repository / "site.json").write_text(text, encoding="utf-8")
    (repository / "mapping.yaml").write_text(MAPPING, encoding="utf-8")
    done = _report(repository, "site.json", "--mapping", "mapping.yaml", "--format", "jsonl", "--at", AT)
    assert done.returncode == 0, done.stderr
    mapped = {line["key"]: line for line in map(json.loads, done.stdout.splitlines())}
    assert mapped == verdicts
    (repository / "bad.yaml").write_text(MAPPING.replace("Defect: bug", "Defect: bugs"), encoding="utf-8")
    bad = _report(repository, "site.json", "--mapping", "bad.yaml", "--format", "jsonl", "--at", AT)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert bad.stderr.startswith("bad.yaml:3:") and "unknown category 'bugs'" in bad.stderr


def test_issues_written_with_their_fields_by_name_are_read_as_by_id(repository: Path, verdicts) -> None:
    # Some exports key each issue's fields by the field's name, with no `names` to look ids up in.
    page = json.loads((repository / "histories.json").read_text(encoding="utf-8"))
    by_name = [
        {**issue, "fields": {page["names"].get(key, key): value for key, value in issue["fields"].items()}}
        for issue in page["issues"]
    ]
    assert all("customfield_10000" not in issue["fields"] for issue in by_name)
    (repository / "by-name.jsonl").write_text("".join(json.dumps(i) + "\n" for i in by_name), encoding="utf-8")
    done = _report(repository, "by-name.jsonl", "--format", "jsonl", "--at", AT)
    assert done.returncode == 0, done.stderr
    assert {line["key"]: line for line in map(json.loads, done.stdout.splitlines())} == verdicts


def test_the_histories_become_an_event_log_and_its_lived_path(repository: Path, tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    out = tmp_path / "report"
    done = _report(repository, "histories.json", "--format", "json", "--at", AT, "--out", str(out))
    assert done.returncode == 0, done.stderr
    ns = {"x": "http://www.xes-standard.org/"}
    log = ET.parse(out / "events.xes").getroot()
    traces = {
        t.find("x:string[@key='concept:name']", ns).get("value"): [
            e.find("x:string[@key='concept:name']", ns).get("value") for e in t.findall("x:event", ns)
        ]
        for t in log.findall("x:trace", ns)
    }
    assert len(traces) == 8
    assert traces["K-4"] == [
        "created",
        "first response",
        "to tier-2-pm",
        "returned",
        "to tier-1",
        "to tier-2-pm",
        "resolved",
    ]
    assert traces["K-1"] == [
        "created",
        "to tier-2-pm",
        "acknowledged",
        "first response",
        "waiting for customer",
        "customer replied",
        "resolved",
    ]
    follows = {(r["version"], r["activity"], r["next_activity"]): r for r in lived_path(out)}
    assert follows[("1.0.1", "returned", "to tier-1")]["tickets"] == 1
    assert follows[("1.0.1", "returned", "to tier-1")]["median_hours"] == 0
    assert follows[("1.0.0", "waiting for customer", "customer replied")]["median_hours"] == pytest.approx(3)
    # Straight from creation to the Project Manager: K-3 after half an hour (against the process), K-5 after 49 hours
    # (the escalation its missed first-response goal prescribes); K-4 and K-6 had an answer first.
    assert follows[("1.0.1", "created", "to tier-2-pm")] == {
        "version": "1.0.1",
        "activity": "created",
        "next_activity": "to tier-2-pm",
        "tickets": 2,
        "followed": 1,
        "median_hours": pytest.approx(24.75),
    }

    # A process-mining tool reads the XES file as cep wrote it, and finds the same paths in it.
    import pm4py

    read = pm4py.read_xes(str(out / "events.xes"), variant="iterparse")  # the XML parser: strict about the file
    assert sorted(read["case:concept:name"].unique()) == sorted(traces)
    taken, _, _ = pm4py.discover_dfg(read)
    by_pair: dict[tuple[str, str], int] = {}
    for (_, activity, next_activity), row in follows.items():
        by_pair[activity, next_activity] = by_pair.get((activity, next_activity), 0) + row["tickets"]
    assert dict(taken) == by_pair


def test_a_large_file_is_judged_on_every_core_as_one_process_judges_it(
    repository: Path, tmp_path: Path, verdicts
) -> None:
    """Over a megabyte of JSON Lines is cut into pieces judged by forked workers: the verdicts, the problems (with
    their line numbers) and the tables come out byte for byte as `--jobs 1` writes them."""
    from cep.parallel.pieces import SPLIT_FROM

    page = json.loads((repository / "histories.json").read_text(encoding="utf-8"))
    lines = []
    for copy in range(120):
        issues = [{**issue, "key": f"{issue['key']}-{copy}"} for issue in page["issues"]]
        if copy % 7 == 0:  # a status the process does not know, in pieces that different workers judge
            issues[1] = json.loads(json.dumps(issues[1]))
            issues[1]["changelog"]["histories"][-1]["items"][0]["toString"] = "Resolvd"
        lines.append(json.dumps({**page, "issues": issues}))
    bad = {3: "{not json", 61: json.dumps({"key": "X-1", "fields": {"created": "yesterday"}}), 122: "[]"}
    for number, line in sorted(bad.items()):
        lines.insert(number - 1, line)
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > SPLIT_FROM

    def report(jobs: str, *args: str) -> subprocess.CompletedProcess[str]:
        return _report(repository, str(path), "--at", AT, "--jobs", jobs, *args)

    alone, parallel = report("1", "--format", "jsonl"), report("3", "--format", "jsonl")
    assert parallel.returncode == alone.returncode == 1
    assert parallel.stdout == alone.stdout
    assert parallel.stderr == alone.stderr
    *errors, warning = parallel.stderr.splitlines()
    assert [line.split(":")[1] for line in errors] == [str(n) for n in sorted(bad)]
    assert warning.startswith("cep report: warning: statuses the process does not know, read as no change of tier: ")
    assert "'Resolvd' (18 tickets, e.g. K-2-0; did you mean 'Resolved'?)" in warning
    judged = [json.loads(line) for line in parallel.stdout.splitlines()]
    assert [v["key"] for v in judged] == [f"{i['key']}-{copy}" for copy in range(120) for i in page["issues"]]
    assert all({**v, "key": v["key"].rsplit("-", 1)[0]} == verdicts[v["key"].rsplit("-", 1)[0]] for v in judged)

    report("1", "--out", str(tmp_path / "alone"))
    report("2", "--out", str(tmp_path / "parallel"))
    written = sorted(p.name for p in (tmp_path / "alone").iterdir())
    assert "events.xes" in written and "tickets.parquet" in written
    assert written == sorted(p.name for p in (tmp_path / "parallel").iterdir())
    for name in written:
        assert (tmp_path / "alone" / name).read_bytes() == (tmp_path / "parallel" / name).read_bytes(), name


def test_statuses_and_fields_the_process_does_not_know_are_listed_with_a_hint(repository: Path, verdicts) -> None:
    """A status outside the process's workflow is read as no change, and listed once at the end: how many tickets,
    one of them, the status meant if it is a near miss. A field the site names otherwise stops its issue, with the
    name meant."""
    page = json.loads((repository / "histories.json").read_text(encoding="utf-8"))
    issues = {issue["key"]: issue for issue in page["issues"]}
    for key in ("K-2", "K-7"):  # resolved the same morning: a spelling slip in their last move
        issues[key]["changelog"]["histories"][-1]["items"][0]["toString"] = "Resolvd"
    issues["K-3"]["changelog"]["histories"][0]["items"].append(
        {"field": "status", "fromString": "Triage at Tier 1", "toString": "In Progress"}
    )
    (repository / "statuses.json").write_text(json.dumps(page), encoding="utf-8")
    done = _report(repository, "statuses.json", "--format", "jsonl", "--at", AT)
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        "cep report: warning: statuses the process does not know, read as no change of tier: 'In Progress' "
        "(1 ticket, e.g. K-3), 'Resolvd' (2 tickets, e.g. K-2; did you mean 'Resolved'?); if one means a tier, "
        "waiting, returned, resolved or closed, name it in a mapping file (--mapping, under statuses); the process "
        "knows Closed, Escalated to the Project Manager, In development, Resolved, Returned to Tier 1, "
        "Triage at Tier 1, Waiting for customer, With the Product Owner\n"
    )
    judged = {v["key"]: v for v in map(json.loads, done.stdout.splitlines())}
    assert judged["K-3"] == verdicts["K-3"]  # never resolved, still at the Project Manager
    assert judged["K-2"]["resolved"] == verdicts["K-2"]["resolved"]  # resolutiondate says when

    impact = next(k for k, v in page["names"].items() if v == "CEP impact")
    page["names"][impact] = "Impact"
    (repository / "fields.json").write_text(json.dumps(page), encoding="utf-8")
    done = _report(repository, "fields.json", "--format", "jsonl", "--at", AT)
    assert done.returncode == 1 and done.stdout == ""
    errors = done.stderr.splitlines()
    assert len(errors) == 8  # every issue, and no more: none was judged, so no status is listed
    assert errors[0] == (
        "fields.json:1: error: issue K-1: no field is named 'CEP impact' here (did you mean 'Impact'?); if the site "
        "calls it otherwise, name it in a mapping file (--mapping, under fields: impact)"
    )


def test_a_terminal_sees_a_progress_bar_and_a_pipe_sees_none(repository: Path, tmp_path: Path) -> None:
    """On a terminal (a pseudo-terminal here) the judging of a large file shows a progress bar that ends full;
    written to a pipe, as in CI, stderr says nothing."""
    import fcntl
    import pty
    import struct
    import termios

    page = json.loads((repository / "histories.json").read_text(encoding="utf-8"))
    line = json.dumps(page) + "\n"
    path = tmp_path / "many.jsonl"
    path.write_text(line * (2 * (1 << 20) // len(line)), encoding="utf-8")  # two megabytes: split into pieces
    args = [sys.executable, "-m", "cep", "report", str(path), "--at", AT, "--format", "jsonl", "--jobs", "2"]
    piped = subprocess.run(args, cwd=repository, capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0 and piped.stderr == ""

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal 100 columns wide
    with subprocess.Popen(args, cwd=repository, stdout=subprocess.DEVNULL, stderr=follower) as judging:
        os.close(follower)
        shown = b""
        while True:  # until the command has closed the terminal: the kernel then says EIO
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    os.close(leader)
    assert judging.returncode == 0
    text = shown.decode()
    assert f"cep report: {path}: 100%|" in text and "█" in text


def test_an_empty_or_cut_short_input_says_so(repository: Path) -> None:
    (repository / "empty.jsonl").write_text("", encoding="utf-8")
    done = _report(repository, "empty.jsonl", "--at", AT)
    assert (done.returncode, done.stdout, done.stderr) == (0, "no ticket history was judged\n", "")
    (repository / "cut.json").write_text('{"issues": [{"key": "K-1", "fields": {', encoding="utf-8")
    done = _report(repository, "cut.json", "--at", AT)
    assert done.returncode == 1
    assert done.stderr == "cut.json:1: error: input data was truncated\n"
    assert done.stdout == "no ticket history was judged\n1 history could not be read (see the errors above)\n"


def test_the_parquet_tables_are_the_same_however_the_rows_came(
    repository: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Judges send their rows on as frames of Arrow columns, and each table's Parquet file is written from them in
    row groups of a fixed size: the bytes do not depend on how the rows were cut up, and each Parquet file reads
    back as its CSV does."""
    import duckdb
    import pyarrow.parquet as pq

    from cep.report import tables
    from cep.report.history import read_histories
    from cep.report.lived import Reader

    reader = Reader(load_process(repository / "process" / "escalation.yaml"), "1.0.1")
    judged = [reader.judge(read, t("2026-12-20 12:00")) for read in read_histories(repository / "histories.json", "h")]
    judged *= 4
    monkeypatch.setattr(tables, "ROW_GROUP", 5)
    (tmp_path / "whole").mkdir()
    tables.write_all(judged, tmp_path / "whole", with_csv=True)
    monkeypatch.setattr(tables, "_FRAME_TICKETS", 3)  # frames of 3 tickets' rows: row groups cut across them
    (tmp_path / "cut").mkdir()
    tables.write_all(judged, tmp_path / "cut", with_csv=True)
    con = duckdb.connect()
    for name, columns in tables.TABLES.items():
        whole = tmp_path / "whole" / f"{name}.parquet"
        assert whole.read_bytes() == (tmp_path / "cut" / f"{name}.parquet").read_bytes(), name
        meta = pq.ParquetFile(whole).metadata
        sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
        assert sizes == [5] * (meta.num_rows // 5) + ([meta.num_rows % 5] if meta.num_rows % 5 else []), name
        types = ", ".join(f"'{column}': '{kind}'" for column, kind in columns)
        from_csv = con.execute(f"SELECT * FROM read_csv('{whole.with_suffix('.csv')}', columns = {{{types}}})")
        rows = from_csv.fetchall()
        assert con.execute(f"SELECT * FROM '{whole}'").fetchall() == rows, name
    assert pq.ParquetFile(tmp_path / "whole" / "clocks.parquet").metadata.num_rows > 5
