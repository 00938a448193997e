"""The executable specification's step vocabulary, a pytest plugin: business phrases over cep.routing.router, names
resolved via the model. `cep spec` runs any repository's features/ with it.

Names in steps are the manual's names (tier names, template names, clock names) or ids; an unknown name fails
with the list of names that exist. CEP_PROCESS names the definition (default: cep.definition.DEFAULT_PROCESS).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from cep.definition import DEFAULT_PROCESS
from cep.definition.loader import load_process
from cep.definition.model import Process
from cep.routing.router import Decision, Router
from cep.routing.tickets import TicketParser
from cep.spec.gherkin import TICKET_STEP
from cep.spec.names import clock_id, field_id, moment, role_id, template_of, tier_id, trigger_id


@pytest.fixture(scope="session")
def process() -> Process:
    return load_process(Path(os.environ.get("CEP_PROCESS", DEFAULT_PROCESS)))


@pytest.fixture(scope="session")
def router(process: Process) -> Router:
    return Router(process)


@dataclass
class Scenario:
    ticket: dict[str, Any] = field(default_factory=dict)
    at: datetime | None = None
    decision: Decision | None = None


@pytest.fixture
def scenario() -> Scenario:
    return Scenario()


def triage_tier(process: Process, name: str) -> str:
    """The tier named, which must be the one that triages (the default route)."""
    tier = tier_id(process, name)
    triage = process.default_route.tier
    assert tier == triage, f"{name} does not triage tickets: {process.tier(triage).short_name} does"
    return tier


def channel_names(process: Process, text: str) -> list[str]:
    names = re.findall(r'"([^"]+)"', text)
    for name in names:
        process.channel(name)  # fails with the list of channels when unknown
    return names


def decide(scenario: Scenario, router: Router, process: Process) -> Decision:
    if scenario.decision is None:
        ticket = TicketParser(process).parse({"id": "scenario", **scenario.ticket})
        scenario.decision = router.route(ticket, scenario.at)
    return scenario.decision


# -- Given ------------------------------------------------------------------------------------------------------
@given(parsers.re(TICKET_STEP.pattern))
def _(scenario: Scenario, process: Process, category: str, urgency: str, impact: str) -> None:
    process.category(category)
    process.level("urgency", urgency)
    process.level("impact", impact)
    scenario.ticket = {
        "category": category,
        "urgency": urgency,
        "impact": impact,
        "created": "2026-11-30T09:00:00+02:00",
    }


@given(parsers.parse('it was created at "{when}"'))
def _(scenario: Scenario, process: Process, when: str) -> None:
    scenario.ticket["created"] = moment(when, process).isoformat()


@given(parsers.re(r"(?P<tier>.+?) has reproduced it"))
def _(scenario: Scenario, process: Process, tier: str) -> None:
    triage_tier(process, tier)
    scenario.ticket["reproduced"] = True


@given(parsers.re(r"(?P<tier>.+?) could not reproduce it"))
def _(scenario: Scenario, process: Process, tier: str) -> None:
    triage_tier(process, tier)
    scenario.ticket["reproduced"] = False


@given(parsers.re(r'it is with (?P<tier>.+?) since "(?P<when>[^"]+)"'))
def _(scenario: Scenario, process: Process, tier: str, when: str) -> None:
    scenario.ticket["tier"] = tier_id(process, tier)
    scenario.ticket["escalated"] = moment(when, process).isoformat()


@given(parsers.parse('it was escalated at "{when}"'))
def _(scenario: Scenario, process: Process, when: str) -> None:
    scenario.ticket["escalated"] = moment(when, process).isoformat()


@given("a code change is needed")
def _(scenario: Scenario) -> None:
    scenario.ticket["needs_code_change"] = True


@given(parsers.parse('it waited for the customer from "{start}" to "{end}"'))
def _(scenario: Scenario, process: Process, start: str, end: str) -> None:
    wait = [moment(start, process).isoformat(), moment(end, process).isoformat()]
    scenario.ticket.setdefault("waiting", []).append(wait)


@given(parsers.parse('it has been waiting for the customer since "{start}"'))
def _(scenario: Scenario, process: Process, start: str) -> None:
    scenario.ticket.setdefault("waiting", []).append([moment(start, process).isoformat(), None])


@given(parsers.re(r'the (?P<clock>first response) was given at "(?P<when>[^"]+)"'))
def _(scenario: Scenario, process: Process, clock: str, when: str) -> None:
    scenario.ticket["responded"] = moment(when, process).isoformat()


@given(parsers.re(r"the (?P<name>.+?) is complete"))
def _(scenario: Scenario, process: Process, name: str) -> None:
    template = template_of(process, name)
    scenario.ticket["fields"] = {f.id: "filled in" for f in template.fields}


@given(parsers.re(r"the (?P<name>.+?) lacks (?P<fields>.+)"))
def _(scenario: Scenario, process: Process, name: str, fields: str) -> None:
    template = template_of(process, name)
    lacking = {field_id(template, f) for f in re.findall(r'"([^"]+)"', fields)}
    scenario.ticket["fields"] = {f.id: "filled in" for f in template.fields if f.id not in lacking}


# -- When -------------------------------------------------------------------------------------------------------
@when(parsers.re(r"(?P<tier>.+?) triages it"))
def _(scenario: Scenario, router: Router, process: Process, tier: str) -> None:
    triage_tier(process, tier)
    decide(scenario, router, process)


@when(parsers.re(r"(?P<tier>.+?) hands it over"))
def _(scenario: Scenario, router: Router, process: Process, tier: str) -> None:
    handing = tier_id(process, tier)
    assert any(h.from_tier == handing for h in process.handovers), f"{tier} hands nothing over in this process"
    decide(scenario, router, process)


@when(parsers.parse('the clocks are checked at "{when}"'))
def _(scenario: Scenario, router: Router, process: Process, when: str) -> None:
    scenario.at = moment(when, process)
    decide(scenario, router, process)


# -- Then -------------------------------------------------------------------------------------------------------
@then(parsers.re(r"it is routed to (?P<tier>.+)"))
def _(scenario: Scenario, process: Process, tier: str) -> None:
    assert scenario.decision
    expected = tier_id(process, tier)
    assert scenario.decision.route == expected, (
        f"routed to {scenario.decision.route}, expected {expected}: {scenario.decision.explanation}"
    )


@then(parsers.re(r"it stays (?:at|with) (?P<tier>.+)"))
def _(scenario: Scenario, process: Process, tier: str) -> None:
    assert scenario.decision
    assert scenario.decision.route == tier_id(process, tier), scenario.decision.explanation


@then(parsers.parse('its priority is "{priority}"'))
def _(scenario: Scenario, process: Process, priority: str) -> None:
    process.priority(priority)
    assert scenario.decision and scenario.decision.priority == priority, scenario.decision


@then(parsers.parse('the trigger is "{trigger}"'))
def _(scenario: Scenario, process: Process, trigger: str) -> None:
    assert scenario.decision and scenario.decision.trigger == trigger_id(process, trigger), scenario.decision


@then("no trigger matches")
def _(scenario: Scenario) -> None:
    assert scenario.decision and scenario.decision.trigger is None, scenario.decision.explanation


@then(parsers.re(r"exactly (?P<channels>.+) (?:is|are) notified"))
def _(scenario: Scenario, process: Process, channels: str) -> None:
    assert scenario.decision
    assert sorted(scenario.decision.notify) == sorted(channel_names(process, channels)), scenario.decision.notify


@then(parsers.re(r'"(?P<channel>[^"]+)" is notified'))
def _(scenario: Scenario, process: Process, channel: str) -> None:
    process.channel(channel)
    assert scenario.decision and channel in scenario.decision.notify, scenario.decision.notify


@then(parsers.re(r'"(?P<channel>[^"]+)" is not notified'))
def _(scenario: Scenario, process: Process, channel: str) -> None:
    process.channel(channel)
    assert scenario.decision and channel not in scenario.decision.notify, scenario.decision.notify


@then("no channel is notified")
def _(scenario: Scenario) -> None:
    assert scenario.decision and scenario.decision.notify == (), scenario.decision.notify


@then(parsers.re(r'the (?P<clock>.+?) is due "(?P<when>[^"]+)"'))
def _(scenario: Scenario, process: Process, clock: str, when: str) -> None:
    assert scenario.decision
    key = clock_id(process, clock)
    assert key in scenario.decision.due, f"there is no {clock} goal: {scenario.decision.explanation}"
    due, expected = scenario.decision.due[key], moment(when, process)
    assert due == expected, f"{clock} due {due:%a %Y-%m-%d %H:%M %z}, expected {expected:%a %Y-%m-%d %H:%M %z}"


@then(parsers.re(r"there is no (?P<clock>.+?) goal"))
def _(scenario: Scenario, process: Process, clock: str) -> None:
    assert scenario.decision
    key = clock_id(process, clock)
    assert key not in scenario.decision.due, f"{clock} is due {scenario.decision.due.get(key)}"


def _clock_state(scenario: Scenario, process: Process, clock: str) -> Any:
    assert scenario.decision and scenario.decision.clocks is not None, "no moment given: check the clocks at a time"
    key = clock_id(process, clock)
    found = {c.name: c for c in scenario.decision.clocks}
    assert key in found, f"no {clock} clock runs for this ticket"
    return found[key]


@then(parsers.re(r"the (?P<clock>.+?) goal is on track"))
def _(scenario: Scenario, process: Process, clock: str) -> None:
    state = _clock_state(scenario, process, clock)
    assert (state.state, state.action, state.notify) == ("ok", None, ()), state


@then(parsers.re(r"the (?P<clock>.+?) goal was missed"))
def _(scenario: Scenario, process: Process, clock: str) -> None:
    assert _clock_state(scenario, process, clock).state == "missed"


@then(parsers.re(r"the (?P<clock>.+?) goal is met"))
def _(scenario: Scenario, process: Process, clock: str) -> None:
    assert _clock_state(scenario, process, clock).state == "met"


@then(parsers.re(r"the (?P<clock>.+?) goal is at risk and a warning is posted"))
def _(scenario: Scenario, process: Process, clock: str) -> None:
    state = _clock_state(scenario, process, clock)
    assert (state.state, state.action) == ("at-risk", process.at_risk.action), state


@then(parsers.re(r"the (?P<clock>.+?) goal is missed and it goes to (?P<tier>.+)"))
def _(scenario: Scenario, process: Process, clock: str, tier: str) -> None:
    state = _clock_state(scenario, process, clock)
    assert (state.state, state.action) == ("breached", f"escalate:{tier_id(process, tier)}"), state


@then(parsers.re(r"the (?P<clock>.+?) goal is missed and the (?P<role>.+?) is alerted"))
def _(scenario: Scenario, process: Process, clock: str, role: str) -> None:
    state = _clock_state(scenario, process, clock)
    assert (state.state, state.action) == ("breached", f"alert:{role_id(process, role)}"), state


@then(parsers.re(r"the (?P<clock>.+?) goal is missed and nothing more happens"))
def _(scenario: Scenario, process: Process, clock: str) -> None:
    state = _clock_state(scenario, process, clock)
    assert (state.state, state.action) == ("breached", None), state


@then(parsers.re(r'exactly (?P<channels>".+") (?:is|are) told of the missed (?P<clock>.+?) goal'))
def _(scenario: Scenario, process: Process, clock: str, channels: str) -> None:
    state = _clock_state(scenario, process, clock)
    assert state.state == "breached", state
    assert sorted(state.notify) == sorted(re.findall(r'"([^"]+)"', channels)), state.notify


@then(parsers.re(r"no channel is told of the missed (?P<clock>.+?) goal"))
def _(scenario: Scenario, process: Process, clock: str) -> None:
    state = _clock_state(scenario, process, clock)
    assert (state.state, state.notify) == ("breached", ()), state


@then(parsers.re(r"it is returned to (?P<tier>.+?) for (?P<fields>.+)"))
def _(scenario: Scenario, process: Process, tier: str, fields: str) -> None:
    decision = scenario.decision
    assert decision and decision.template
    template = process.template(decision.template)
    assert decision.route == tier_id(process, tier), decision.explanation
    expected = [field_id(template, f) for f in re.findall(r'"([^"]+)"', fields)]
    assert sorted(decision.missing_fields) == sorted(expected), decision.missing_fields


@then(parsers.re(r'(?P<fields>".+") (?:is|are) missing'))
def _(scenario: Scenario, process: Process, fields: str) -> None:
    decision = scenario.decision
    assert decision and decision.template
    template = process.template(decision.template)
    expected = [field_id(template, f) for f in re.findall(r'"([^"]+)"', fields)]
    assert sorted(decision.missing_fields) == sorted(expected), decision.missing_fields


@then("nothing is missing")
def _(scenario: Scenario) -> None:
    assert scenario.decision and scenario.decision.missing_fields == (), scenario.decision.missing_fields


@then(parsers.re(r"(?P<tier>.+?) sends the customer an? (?P<name>.+?) (?P<cadence>(?:every|daily|on)\b.*)"))
def _(scenario: Scenario, process: Process, tier: str, name: str, cadence: str) -> None:
    decision = scenario.decision
    assert decision, "no ticket was triaged"
    assert tier_id(process, tier) == process.communication.customer_contact
    assert template_of(process, name).id == process.communication.update_template
    assert process.priority(decision.priority).customer_updates == cadence


@then(parsers.re(r"the (?P<name>.+?) requires (?P<fields>\".+)"))
def _(process: Process, name: str, fields: str) -> None:
    template = template_of(process, name)
    required = [f.id for f in template.fields if f.required]
    assert required == [field_id(template, f) for f in re.findall(r'"([^"]+)"', fields)], required


# -- the Jira bundle ---------------------------------------------------------------------------------------------
@given("the generated Jira bundle", target_fixture="bundle")
def _(process: Process) -> dict[str, Any]:
    from cep.jira import jira_bundle

    return jira_bundle(process, [2026, 2027])


@when("its automation rules are run for every kind of ticket", target_fixture="equivalence")
def _(process: Process, bundle: dict[str, Any]) -> tuple[int, Any]:
    from cep.jira.equivalence import check_equivalence

    return check_equivalence(process, bundle)


@then("every kind of ticket gets the tier, priority and notifications the manual says")
def _(equivalence: tuple[int, Any]) -> None:
    compared, difference = equivalence
    assert difference is None, str(difference)
    assert compared > 0
