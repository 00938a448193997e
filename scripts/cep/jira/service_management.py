"""What Jira Service Management has no public create API for: SLA metrics, goals and calendars, in this
project's own documented format, plus the admin's checklist."""

from __future__ import annotations

from typing import Any

from ..definition.durations import Duration
from ..definition.model import Process
from ..routing.calendars import BusinessCalendar
from .jql import in_list, quote
from .names import JiraNames

# JSM's names for the two SLA metrics every service project has; the others are created with these names.
SLA_NAMES = {"first_response": "Time to first response", "resolution": "Time to resolution"}
DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


def jsm_duration(seconds: int) -> str:
    """A goal as JSM writes it: '4h', '6h 45m' (business time is counted by the goal's calendar)."""
    hours, minutes = divmod(seconds // 60, 60)
    return " ".join(part for part in (f"{hours}h" if hours else "", f"{minutes}m" if minutes else "") if part) or "0m"


def sla_name(process: Process, clock: str) -> str:
    return SLA_NAMES.get(clock) or process.clocks[clock].name


class ServiceManagement:
    def __init__(self, process: Process, names: JiraNames, years: list[int]) -> None:
        self.process = process
        self.names = names
        self.years = years
        self.calendars = {c.id: BusinessCalendar(c) for c in process.calendars}

    def seconds(self, calendar: str, duration: Duration) -> int:
        return self.calendars[calendar].seconds(duration)

    def goals(self, clock: str) -> list[dict[str, Any]]:
        """(JQL, target, calendar) per priority, or the single review goal."""
        p = self.process
        c = p.clocks[clock]
        category = self.names.fields["category"]
        if clock == "review" and c.target and c.calendar:
            return [
                {
                    "jql": in_list(category, list(c.categories)),
                    "target": jsm_duration(self.seconds(c.calendar, c.target)),
                    "calendar": self.process.calendar(c.calendar).name,
                }
            ]
        excluded = (
            f" AND {quote(category)} not in ({', '.join(map(quote, c.except_categories))})"
            if c.except_categories
            else ""
        )
        if clock == "acknowledge":
            excluded += "".join(f" AND NOT ({jql})" for jql in self.untimed_handovers())
        return [
            {
                "jql": in_list("priority", [pr.id]) + excluded,
                "target": jsm_duration(self.seconds(pr.calendar, getattr(pr, clock))),
                "calendar": p.calendar(pr.calendar).name,
            }
            for pr in p.priorities
        ]

    def untimed_handovers(self) -> list[str]:
        """JQL for the tickets a hand-over with no time goal brought to their tier (an accepted feature at Tier 3):
        the tier, and a trigger that routed them to the tier that hands over."""
        tier, trigger = self.names.fields["tier"], self.names.fields["trigger"]
        found = []
        for h in self.process.handovers:
            routed = [t.id for t in self.process.triggers if t.route == h.from_tier]
            if not h.has_time_goal and routed:
                found.append(f"{in_list(tier, [h.to_tier])} AND {in_list(trigger, routed)}")
        return found

    def metrics(self) -> list[dict[str, Any]]:
        j = self.process.jira
        statuses = {t.id: t.status for t in self.process.tiers}
        conditions = {
            "first_response": (["Issue created"], [], ["Comment: for customers"]),
            "resolution": (["Issue created"], [f"Status: {j.waiting}"], [f"Entered status: {j.resolved}"]),
            "acknowledge": (
                [f"Entered status: {statuses[t]}" for t in self.process.clocks["acknowledge"].tiers],
                [],
                ["Assignee: from unassigned to set", "Comment: internal"],
            ),
            "review": (["Issue created"], [], [f"Entered status: {j.resolved}", "Resolution: set"]),
        }
        return [
            {
                "name": sla_name(self.process, clock),
                "clock": clock,
                "summary": self.process.clocks[clock].summary,
                "start": start,
                "pause": pause,
                "stop": stop,
                "goals": self.goals(clock),
            }
            for clock, (start, pause, stop) in conditions.items()
        ]

    def calendar_settings(self) -> list[dict[str, Any]]:
        out = []
        for cal in self.process.calendars:
            hours = (
                [{"day": day, "start": "00:00", "end": "24:00"} for day in DAYS]
                if cal.always_open
                else [{"day": DAYS[d], "start": f"{cal.opens:%H:%M}", "end": f"{cal.closes:%H:%M}"} for d in cal.days]
            )
            holidays = (
                []
                if cal.always_open
                else [
                    {"date": day.isoformat(), "name": name, "recurring": False}
                    for day, name in self.calendars[cal.id].holidays_in(self.years)
                ]
            )
            out.append(
                {"name": cal.name, "id": cal.id, "timeZone": cal.time_zone, "workingTime": hours, "holidays": holidays}
            )
        return out

    def checklist(self) -> list[str]:
        p = self.process
        steps = [
            f"Project settings → SLAs → Calendars: create “{c['name']}” in time zone {c['timeZone']} with its "
            f"working hours and {len(c['holidays'])} holidays."
            for c in self.calendar_settings()
        ]
        for metric in self.metrics():
            goals = "; ".join(f"{g['jql']} → {g['target']} ({g['calendar']})" for g in metric["goals"])
            steps.append(
                f"Project settings → SLAs: set up “{metric['name']}”: start when "
                f"{' or '.join(metric['start'])}; pause on {' or '.join(metric['pause']) or 'nothing'}; "
                f"stop when {' or '.join(metric['stop'])}; goals: {goals}."
            )
        steps.append(
            f"Project settings → Automation: for each rule of the bundle, scope it to the service project "
            f"and replace every SLACK_WEBHOOK_URL_… placeholder with the incoming-webhook URL of its channel "
            f"({', '.join(c.id for c in p.channels)})."
        )
        return steps

    def section(self) -> dict[str, Any]:
        return {"slaMetrics": self.metrics(), "calendars": self.calendar_settings(), "checklist": self.checklist()}
