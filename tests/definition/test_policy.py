"""The documented policy's tables, transcribed here by hand, pinned against the loaded default process."""

from __future__ import annotations

from datetime import time

from cep.definition.model import Process

TIERS = {
    "tier-1": "support-agent",
    "tier-2-pm": "project-manager",
    "tier-2-po": "product-owner",
    "tier-3": "developer",
}
ROLES = ["support-agent", "project-manager", "product-owner", "developer", "technical-program-manager"]
CATEGORIES = ["how-to", "account", "content", "bug", "outage", "feature-request", "feedback"]
URGENCY = ["critical", "high", "medium", "low"]
IMPACT = ["platform", "organisation", "team", "individual"]
CHANNELS = [
    "#cep-escalations",
    "#cep-incidents",
    "#cep-product-feedback",
    "#cep-dev-triage",
    "#cep-sla-alerts",
]
TEMPLATES = ["escalation-report", "insight", "bug-handoff", "customer-update"]

MATRIX = """
critical P1 P1 P1 P2
high     P1 P2 P2 P3
medium   P2 P3 P3 P4
low      P3 P3 P4 P4
"""

# priority: name, calendar, first response, resolution, cadence, tier acknowledgement
SLA = {
    "P1": ("Critical", "24x7", "1 hour", "24 hours", "every 2 hours", "30 minutes"),
    "P2": ("High", "business-hours", "4 business hours", "3 business days", "daily", "2 business hours"),
    "P3": (
        "Medium",
        "business-hours",
        "1 business day",
        "10 business days",
        "on every status change",
        "1 business day",
    ),
    "P4": (
        "Low",
        "business-hours",
        "2 business days",
        "30 business days",
        "on resolution",
        "2 business days",
    ),
}

# in order: id, condition, route, notify
TRIGGERS = [
    ("service-outage", {"category": {"outage"}}, "tier-2-pm", ["#cep-escalations", "#cep-incidents"]),
    ("confirmed-bug", {"category": {"bug"}, "reproduced": {True}}, "tier-2-pm", ["#cep-escalations"]),
    (
        "wide-impact-bug",
        {"category": {"bug"}, "reproduced": {False}, "impact": {"organisation", "platform"}},
        "tier-2-pm",
        ["#cep-escalations"],
    ),
    ("content-error", {"category": {"content"}}, "tier-2-pm", ["#cep-escalations"]),
    (
        "product-insight",
        {"category": {"feature-request", "feedback"}},
        "tier-2-po",
        ["#cep-product-feedback"],
    ),
    ("critical-unresolved", {"priority": {"P1"}}, "tier-2-pm", ["#cep-escalations"]),
]

REQUIRED = {
    "escalation-report": {
        "summary",
        "customer_organisation",
        "category",
        "urgency",
        "impact",
        "description",
        "expected_outcome",
        "actual_outcome",
    },
    "insight": {"customer_organisation", "request", "motivation"},
    "bug-handoff": {
        "source_ticket",
        "steps_to_reproduce",
        "expected_outcome",
        "actual_outcome",
        "priority",
        "fix_window",
        "acceptance_criteria",
    },
    "customer-update": {"current_status", "next_step", "next_update"},
}
OPTIONAL = {
    "escalation-report": {
        "environment",
        "workaround",
        "attachments",
        "customer_context",
        "steps_to_reproduce",
    },
    "insight": {"customers_asking", "business_value", "source_ticket"},
    "bug-handoff": {"test_notes"},
    "customer-update": set(),
}

MEMBERS = {
    "#cep-escalations": {"support-agent", "project-manager", "product-owner"},
    "#cep-incidents": set(ROLES),
    "#cep-product-feedback": {"support-agent", "product-owner"},
    "#cep-dev-triage": {"project-manager", "product-owner", "developer"},
    "#cep-sla-alerts": set(ROLES),
}


def test_identifiers(process: Process) -> None:
    assert {t.id: t.owner for t in process.tiers} == TIERS
    assert [r.id for r in process.roles] == ROLES
    assert [p.id for p in process.priorities] == list(SLA)
    assert [c.id for c in process.categories] == CATEGORIES
    assert [u.id for u in process.urgency] == URGENCY
    assert [i.id for i in process.impact] == IMPACT
    assert [c.id for c in process.calendars] == ["business-hours", "24x7"]
    assert [c.id for c in process.channels] == CHANNELS
    assert [t.id for t in process.templates] == TEMPLATES
    assert process.meta.owner == "technical-program-manager"


def test_priority_matrix_and_outage_floor(process: Process) -> None:
    for row in MATRIX.strip().splitlines():
        urgency, *cells = row.split()
        for impact, priority in zip(IMPACT, cells, strict=True):
            assert process.matrix[(urgency, impact)] == priority, (urgency, impact)
    assert len(process.matrix) == 16
    assert [(f.category, f.minimum) for f in process.floors] == [("outage", "P2")]


def test_calendars(process: Process) -> None:
    office = process.calendar("business-hours")
    assert (office.time_zone, office.holidays, office.days) == ("Africa/Johannesburg", "ZA", (0, 1, 2, 3, 4))
    assert (office.opens, office.closes, office.business_day_seconds) == (time(8), time(17), 9 * 3600)
    assert process.calendar("24x7").always_open


def test_time_goals(process: Process) -> None:
    for pid, (name, calendar, first, resolution, cadence, ack) in SLA.items():
        p = process.priority(pid)
        assert (
            p.name,
            p.calendar,
            str(p.first_response),
            str(p.resolution),
            p.customer_updates,
            str(p.acknowledge),
        ) == (name, calendar, first, resolution, cadence, ack)
    review = process.clocks["review"]
    assert (str(review.target), review.calendar, set(review.categories)) == (
        "10 business days",
        "business-hours",
        {"feature-request", "feedback"},
    )
    assert set(process.clocks["resolution"].except_categories) == {"feature-request", "feedback"}
    assert process.clocks["resolution"].pauses_while_waiting
    assert not process.clocks["first_response"].pauses_while_waiting
    assert set(process.clocks["acknowledge"].tiers) == {"tier-2-pm", "tier-2-po", "tier-3"}
    assert process.clocks["acknowledge"].starts == "entered-tier"


def test_triggers_in_order(process: Process) -> None:
    got = [(t.id, {k: set(v) for k, v in t.when.terms}, t.route, list(t.notify)) for t in process.triggers]
    assert got == TRIGGERS
    assert process.default_route.tier == "tier-1"
    assert [(a.when.terms, a.notify) for a in process.announcements] == [
        ((("priority", frozenset({"P1"})),), ("#cep-incidents",))
    ]


def test_tier_3_handover_and_fix_window(process: Process) -> None:
    bug = next(h for h in process.handovers if h.when == "needs-code-change")
    assert (bug.from_tier, bug.to_tier, bug.template) == ("tier-2-pm", "tier-3", "bug-handoff")
    assert set(bug.immediate) == {"P1", "P2"} and "#cep-dev-triage" in bug.notify
    window = bug.fix_window
    assert window is not None
    assert (set(window.priorities), window.weekday, window.opens, window.calendar) == (
        {"P3", "P4"},
        2,
        time(8),
        "business-hours",
    )
    feature = next(h for h in process.handovers if h.when == "accepted-into-roadmap")
    assert (feature.from_tier, feature.to_tier, feature.has_time_goal) == ("tier-2-po", "tier-3", False)


def test_at_risk_and_breach_rules(process: Process) -> None:
    assert process.at_risk.threshold_percent == 75
    assert process.at_risk.notify == ("#cep-sla-alerts",)
    functional, hierarchical = process.breaches
    assert (functional.tiers, functional.action, set(functional.notify)) == (
        ("tier-1",),
        "escalate:tier-2-pm",
        {"#cep-sla-alerts", "#cep-escalations"},
    )
    assert (
        set(hierarchical.tiers),
        set(hierarchical.priorities),
        hierarchical.action,
        hierarchical.notify,
    ) == (
        {"tier-2-pm", "tier-2-po", "tier-3"},
        {"P1", "P2"},
        "alert:technical-program-manager",
        ("#cep-sla-alerts",),
    )


def test_templates(process: Process) -> None:
    for template in process.templates:
        required = {f.id for f in template.fields if f.required}
        optional = {f.id for f in template.fields if not f.required}
        assert (required, optional) == (REQUIRED[template.id], OPTIONAL[template.id]), template.id
    steps = next(f for f in process.template("escalation-report").fields if f.id == "steps_to_reproduce")
    assert steps.required_when is not None and steps.required_when.terms == (("category", frozenset({"bug"})),)
    assert [(t.from_tier, t.to) for t in process.templates] == [
        ("tier-1", "tier-2-pm"),
        ("tier-1", "tier-2-po"),
        ("tier-2-pm", "tier-3"),
        ("tier-1", "customer"),
    ]


def test_channels_and_communication(process: Process) -> None:
    assert {c.id: set(c.members) for c in process.channels} == MEMBERS
    assert process.communication.customer_contact == "tier-1"
    assert process.communication.update_template == "customer-update"
    assert [t.id for t in process.tiers if t.talks_to_customers] == ["tier-1"]


def test_feedback_and_metrics(process: Process) -> None:
    fb = process.feedback
    assert (fb.template, fb.backlog_owner, fb.any_category, fb.review_cadence, fb.leadership_report) == (
        "insight",
        "product-owner",
        True,
        "weekly",
        "monthly",
    )
    assert len(process.metrics) == 6
