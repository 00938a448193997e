"""The specification is sensitive: one number changed in the definition fails exactly the scenarios about it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from project import PROCESS, ROOT

# Written from the feature files: every scenario that states a P2 first-response deadline or clock.
P2_FIRST_RESPONSE_SCENARIOS = {
    "test_an_escalation_report_without_a_description_goes_back_to_tier_1",
    "test_early_on_the_clock_is_fine",
    "test_a_minute_before_75_of_the_time_the_goal_is_still_on_track",
    "test_a_response_given_at_the_very_moment_the_clocks_are_checked_meets_the_goal",
    "test_at_75_of_the_time_the_goal_is_at_risk_and_a_warning_is_posted",
    "test_a_response_in_time_meets_the_goal",
    "test_a_response_given_exactly_at_its_deadline_meets_the_goal",
    "test_waiting_for_the_customer_pauses_the_resolution_clock_but_not_the_first_response",
    "test_p2_created_late_on_a_friday_is_answered_on_monday",
    "test_a_ticket_created_after_hours_starts_its_clocks_at_the_next_opening",
    "test_a_ticket_created_exactly_at_closing_time_starts_its_clocks_at_the_next_opening",
    "test_a_ticket_created_before_opening_starts_its_clocks_at_opening",
    "test_a_ticket_created_at_the_weekend_starts_its_clocks_on_monday",
    "test_a_public_holiday_does_not_count_16_december_day_of_reconciliation",
    "test_a_sunday_holiday_moves_to_monday_freedom_day_2025_fell_on_a_sunday",
    "test_times_written_in_another_time_zone_count_in_johannesburg",
    "test_a_time_left_empty_is_no_time",
    "test_a_wait_over_new_years_day_pauses_only_the_offices_open_time",
    "test_the_byteorder_mark_some_windows_tools_write_before_the_first_line_is_not_part_of_the_ticket",
    "test_while_the_customer_has_not_answered_the_resolution_has_no_deadline_yet",
}


def test_changing_p2_first_response_fails_exactly_its_scenarios(tmp_path: Path) -> None:
    changed = tmp_path / "escalation.yaml"
    text = PROCESS.read_text(encoding="utf-8")
    assert text.count("first_response: 4 business hours") == 1
    changed.write_text(text.replace("first_response: 4 business hours", "first_response: 2 business hours"))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rf", "tests/spec/test_features.py", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env={**os.environ, "CEP_PROCESS": str(changed)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    failed = {re.sub(r"\[.*", "", name) for name in re.findall(r"^FAILED \S+::(\S+)", run.stdout, re.M)}
    assert failed == P2_FIRST_RESPONSE_SCENARIOS, run.stdout[-3000:]
    assert "first response due Mon 2026-11-30 09:00 +0200, expected Mon 2026-11-30 11:00 +0200" in run.stdout
