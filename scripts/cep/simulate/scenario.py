"""A load scenario: its own small YAML file, checked against `scenario.schema.json` and against the process it
loads (every tier, category, level and calendar named must be the process's), problems as FILE:LINE:COL."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..definition.document import Document
from ..definition.loader import validated_document
from ..definition.model import Process
from ..problems import InvalidProcess, Problem, UsageError, unknown_name

DEFAULT_SCENARIO = "default.yaml"
SCHEMA = "scenario.schema.json"


@dataclass(frozen=True)
class Staff:
    people: int
    calendar: str
    on_call: int


@dataclass(frozen=True)
class Scenario:
    name: str
    start: date
    days: int
    seed: int
    replications: int
    goal: float
    per_week: float
    busy_calendar: str
    profile: tuple[float, float, float]  # weight of an open hour, another weekday hour, a weekend or holiday hour
    mix: dict[str, dict[str, float]]  # category, urgency, impact → weights
    reproduced: float
    code_change: float
    staff: dict[str, Staff]
    service_hours: dict[str, dict[str, float]]
    returned_share: float
    wait_share: float
    wait_hours: float
    wrong_priority: float
    assumptions: tuple[str, ...]

    def scaled(self, volume: float = 1.0, staff: dict[str, int] | None = None) -> Scenario:
        """The same scenario at `volume` times the arrivals, with some tiers' people changed."""
        people = {**{tier: s.people for tier, s in self.staff.items()}, **(staff or {})}
        return replace(
            self,
            per_week=self.per_week * volume,
            staff={tier: replace(s, people=people[tier]) for tier, s in self.staff.items()},
        )


def _check(document: Document, process: Process) -> list[Problem]:
    data, problems = document.data, []

    def known(path: tuple[Any, ...], kind: str, value: str, names: tuple[str, ...]) -> None:
        if value not in names:
            message, hint = unknown_name(kind, repr(value), names)
            problems.append(Problem(document.locate(path, key=True), message, hint))

    tiers = tuple(t.id for t in process.tiers)
    calendars = tuple(c.id for c in process.calendars)
    domains = process.domains()
    for kind in ("category", "urgency", "impact"):
        for name in data["mix"][kind]:
            known(("mix", kind, name), kind, name, tuple(domains[kind]))
    for section in ("staff", "service_hours"):
        for tier in data[section]:
            known((section, tier), "tier", tier, tiers)
    for tier, staff in data["staff"].items():
        if "calendar" in staff:
            known(("staff", tier, "calendar"), "calendar", staff["calendar"], calendars)
    if "calendar" in data["arrivals"]:
        known(("arrivals", "calendar"), "calendar", data["arrivals"]["calendar"], calendars)
    for tier in tiers:
        if tier not in data["staff"]:
            problems.append(Problem(document.locate(("staff",)), f"no staff for tier {tier!r}"))
        if tier not in data["service_hours"]:
            problems.append(Problem(document.locate(("service_hours",)), f"no service hours for tier {tier!r}"))
    return problems


def generic_scenario(process: Process) -> Scenario:
    """A plain load for a process the shipped scenario does not fit (it names another process's tiers)."""
    business = next((c.id for c in process.calendars if not c.always_open), process.calendars[0].id)
    domains = process.domains()
    triage = process.default_route.tier
    return Scenario(
        name="A generic load (the shipped scenario names tiers this process does not have)",
        start=date(2027, 3, 1),
        days=28,
        seed=2027,
        replications=5,
        goal=0.9,
        per_week=100.0,
        busy_calendar=business,
        profile=(10.0, 1.5, 1.0),
        mix={kind: dict.fromkeys(domains[kind], 1.0) for kind in ("category", "urgency", "impact")},
        reproduced=0.5,
        code_change=0.3,
        staff={t.id: Staff(2, business, 1 if t.id == triage else 0) for t in process.tiers},
        service_hours={t.id: {"default": 1.0} for t in process.tiers},
        returned_share=0.1,
        wait_share=0.2,
        wait_hours=6.0,
        wrong_priority=0.0,
        assumptions=(
            "100 requests a week, ten times as many in an opening hour as in a weekend hour.",
            "Every category, urgency and impact equally likely; half of the tickets reproduced.",
            "Two people per tier in office hours, one on call at the triage tier; one hands-on hour per ticket.",
            "One escalation in ten returned for a missing field; a fifth of tickets wait six hours for the customer.",
        ),
    )


def load_scenario(path: Path | None, process: Process) -> Scenario:
    """The scenario at `path`, checked against `process`; without one, the scenario that ships with cep, or a
    generic one when the shipped scenario does not fit the process."""
    if path is None:
        try:
            return _load(None, process)
        except InvalidProcess:
            return generic_scenario(process)
    return _load(path, process)


def _load(path: Path | None, process: Process) -> Scenario:
    schema = files(__package__) / SCHEMA
    try:
        raw = path.read_bytes() if path else (files(__package__) / DEFAULT_SCENARIO).read_bytes()
    except OSError as error:
        raise UsageError(f"{path}: error: cannot read: {error.strerror or error}") from None
    name = str(path) if path else f"(cep's default scenario) {DEFAULT_SCENARIO}"
    document = validated_document(raw, name, schema.read_bytes(), Path(str(schema)))
    problems = _check(document, process)
    if problems:
        raise InvalidProcess(problems)
    d = document.data
    business = next((c.id for c in process.calendars if not c.always_open), process.calendars[0].id)
    profile = {"open": 10.0, "closed": 1.0, "weekend": 1.0, **d["arrivals"].get("profile", {})}
    waits = d.get("customer_waits", {"share": 0.0, "mean_hours": 1.0})
    return Scenario(
        name=d["scenario"]["name"],
        start=date.fromisoformat(d["scenario"]["start"]),
        days=d["scenario"]["days"],
        seed=d["scenario"].get("seed", 0),
        replications=d["scenario"].get("replications", 5),
        goal=d["scenario"].get("goal_attainment", 0.9),
        per_week=float(d["arrivals"]["per_week"]),
        busy_calendar=d["arrivals"].get("calendar", business),
        profile=(float(profile["open"]), float(profile["closed"]), float(profile["weekend"])),
        mix={kind: {k: float(v) for k, v in d["mix"][kind].items()} for kind in ("category", "urgency", "impact")},
        reproduced=d["mix"].get("reproduced", 0.5),
        code_change=d["mix"].get("code_change", 0.0),
        staff={
            tier: Staff(s["people"], s.get("calendar", business), s.get("on_call", 0)) for tier, s in d["staff"].items()
        },
        service_hours={tier: {k: float(v) for k, v in hours.items()} for tier, hours in d["service_hours"].items()},
        returned_share=d.get("returned_share", 0.0),
        wait_share=waits["share"],
        wait_hours=float(waits["mean_hours"]),
        wrong_priority=d.get("deviations", {}).get("wrong_priority", 0.0),
        assumptions=tuple(d.get("assumptions", ())),
    )
