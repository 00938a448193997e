"""The executable specification's step vocabulary, a pytest plugin: business phrases over what `cep route` prints,
names resolved via the model. `cep spec` runs any repository's features/ with it.

A scenario's ticket is written as a JSON line and routed as `cep route` routes one (`--at` when the clocks are
checked at a moment); the Then steps read the line it prints back. So the specification covers the ticket reader
and the output contract as well as the router.

Names in steps are the manual's names (tier names, template names, clock names) or ids; an unknown name fails
with the list of names that exist. CEP_PROCESS names the definition (default: cep.definition.DEFAULT_PROCESS).
"""

from __future__ import annotations

import io
import json
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
from cep.definition.model import Process, Template
from cep.routing.encode import LineEncoder
from cep.routing.router import Router
from cep.routing.stream import write_jsonl
from cep.spec.gherkin import TICKET_STEP
from cep.spec.names import (
    clock_id,
    field_id,
    handover_id,
    moment,
    role_id,
    template_of,
    tier_id,
    trigger_id,
)


@pytest.fixture(scope="session")
def process() -> Process:
    return load_process(Path(os.environ.get("CEP_PROCESS", DEFAULT_PROCESS)))


@pytest.fixture
def router(process: Process) -> Router:
    """A router per scenario, as each `cep route` run has its own: what one scenario routed (the calendar years it
    laid out, the paths it remembered) cannot change what the next one sees."""
    return Router(process)


@pytest.fixture
def encoder(router: Router) -> LineEncoder:
    return LineEncoder(router)


@dataclass
class Scenario:
    ticket: dict[str, Any] = field(default_factory=dict)
    at: datetime | None = None
    lines: list[bytes] = field(default_factory=list)  # the ticket's line as given, when a scenario writes it
    routed: dict[str, Any] | None = None  # the line `cep route` printed for the ticket
    problems: str = ""  # what `cep route` said of the lines it could not read
    printed: list[bytes] = field(default_factory=list)  # every line `cep route` printed
    template: str | None = None  # the template the scenario filled in


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


def decide(scenario: Scenario, encoder: LineEncoder) -> dict[str, Any]:
    """Route the scenario's ticket as `cep route` does, and read back the line it prints."""
    if scenario.routed is None:
        lines = scenario.lines or [json.dumps({"id": "scenario", **scenario.ticket}).encode()]
        out, err = io.BytesIO(), io.StringIO()
        write_jsonl(encoder, lines, "ticket.jsonl", scenario.at, out, err)
        scenario.problems = err.getvalue()
        scenario.printed = out.getvalue().splitlines()
        scenario.routed = json.loads(scenario.printed[0]) if scenario.printed else {}
    return scenario.routed


def routed(scenario: Scenario) -> dict[str, Any]:
    assert scenario.routed, f"the ticket was not routed: {scenario.problems or 'no When step'}"
    return scenario.routed


def due(line: dict[str, Any], clock: str) -> datetime | None:
    """The clock's deadline as printed (None while it stands still, or when the clock does not apply)."""
    text = line.get(f"{clock}_due")
    return datetime.fromisoformat(text) if text is not None else None


def template_named(scenario: Scenario, process: Process) -> Template:
    assert scenario.template, "say which template was filled in (Given the … is complete / lacks …)"
    return process.template(scenario.template)


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


@given(parsers.re(r'it is (?:with|at) (?P<tier>.+?) since "(?P<when>[^"]+)"'))
def _(scenario: Scenario, process: Process, tier: str, when: str) -> None:
    scenario.ticket["tier"] = tier_id(process, tier)
    scenario.ticket["escalated"] = moment(when, process).isoformat()


@given(parsers.parse('it was escalated at "{when}"'))
def _(scenario: Scenario, process: Process, when: str) -> None:
    scenario.ticket["escalated"] = moment(when, process).isoformat()


@given("a code change is needed")
def _(scenario: Scenario) -> None:
    scenario.ticket["needs_code_change"] = True


@given("it was accepted into the roadmap")
def _(scenario: Scenario) -> None:
    scenario.ticket["accepted_into_roadmap"] = True


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
    scenario.template = template.id
    scenario.ticket["fields"] = {f.id: "filled in" for f in template.fields}


@given(parsers.re(r"the (?P<name>.+?) lacks (?P<fields>.+)"))
def _(scenario: Scenario, process: Process, name: str, fields: str) -> None:
    template = template_of(process, name)
    scenario.template = template.id
    lacking = {field_id(template, f) for f in re.findall(r'"([^"]+)"', fields)}
    scenario.ticket["fields"] = {f.id: "filled in" for f in template.fields if f.id not in lacking}


@given(parsers.re(r'its "(?P<name>[a-z_]+)" field holds (?P<value>(?:["\[{\-0-9]|true|false|null).*)'))
def _(scenario: Scenario, name: str, value: str) -> None:
    scenario.ticket[name] = json.loads(value)  # a JSON value, as the ticket's line would hold it


@given(parsers.re(r'its "(?P<name>[a-z_]+)" field is left out'))
def _(scenario: Scenario, name: str) -> None:
    assert name in scenario.ticket, f"the ticket has no '{name}' field to leave out"
    del scenario.ticket[name]


@given(parsers.re(r'its "(?P<name>[a-z_]+)" field is given again, as (?P<value>.+)'))
def _(scenario: Scenario, name: str, value: str) -> None:
    line = json.dumps({"id": "scenario", **scenario.ticket})
    scenario.lines = [f"{line[:-1]}, {json.dumps(name)}: {value}}}".encode()]


@given(parsers.re(r'its "(?P<name>[a-z_]+)" field holds the byte 0x(?P<byte>[0-9a-f]{2}), which is not UTF-8 text'))
def _(scenario: Scenario, name: str, byte: str) -> None:
    scenario.ticket[name] = "\N{CHECK MARK}"  # a stand-in, replaced by the byte once the line is written
    line = json.dumps({"id": "scenario", **scenario.ticket}, ensure_ascii=False).encode()
    scenario.lines = [line.replace("\N{CHECK MARK}".encode(), bytes.fromhex(byte))]


@given("the tickets file reads:")
def _(scenario: Scenario, docstring: str) -> None:
    scenario.lines = [line.encode() + b"\n" for line in docstring.split("\n")]


@given(parsers.re(r"the tickets file starts with a byte-order mark"))
def _(scenario: Scenario) -> None:
    scenario.lines = [b"\xef\xbb\xbf" + json.dumps({"id": "scenario", **scenario.ticket}).encode()]


# -- When -------------------------------------------------------------------------------------------------------
@when(parsers.re(r"(?P<tier>.+?) triages it"))
def _(scenario: Scenario, encoder: LineEncoder, process: Process, tier: str) -> None:
    triage_tier(process, tier)
    decide(scenario, encoder)


@when(parsers.re(r"(?P<tier>.+?) hands it over"))
def _(scenario: Scenario, encoder: LineEncoder, process: Process, tier: str) -> None:
    handing = tier_id(process, tier)
    assert any(h.from_tier == handing for h in process.handovers), f"{tier} hands nothing over in this process"
    decide(scenario, encoder)


@when(parsers.parse('the clocks are checked at "{when}"'))
def _(scenario: Scenario, encoder: LineEncoder, process: Process, when: str) -> None:
    scenario.at = moment(when, process)
    decide(scenario, encoder)


@when("it is routed")
def _(scenario: Scenario, encoder: LineEncoder) -> None:
    decide(scenario, encoder)


# -- Then -------------------------------------------------------------------------------------------------------
@then(parsers.re(r"it (?:is routed to|stays at|stays with) (?P<tier>.+)"))
def _(scenario: Scenario, process: Process, tier: str) -> None:
    line, expected = routed(scenario), tier_id(process, tier)
    assert line["route"] == expected, f"routed to {line['route']}, expected {expected}: {line['explanation']}"


@then(parsers.parse('its priority is "{priority}"'))
def _(scenario: Scenario, process: Process, priority: str) -> None:
    process.priority(priority)
    assert routed(scenario)["priority"] == priority, scenario.routed


@then(parsers.parse('the trigger is "{trigger}"'))
def _(scenario: Scenario, process: Process, trigger: str) -> None:
    assert routed(scenario)["trigger"] == trigger_id(process, trigger), scenario.routed


@then("no trigger matches")
def _(scenario: Scenario) -> None:
    line = routed(scenario)
    assert line["trigger"] is None, line["explanation"]


def tier_name(process: Process, name: str) -> str:
    """The full name of the tier a scenario names (the explanation's words for it)."""
    return process.tier(tier_id(process, name)).name


def _explained(scenario: Scenario, text: str) -> None:
    explanation = routed(scenario)["explanation"]
    assert text in explanation, f"{text!r} not in: {explanation}"


@then(
    parsers.re(
        r'the explanation says the "(?P<category>[^"]+)" floor raised the priority'
        r' from "(?P<cell>[^"]+)" to "(?P<priority>[^"]+)"'
    )
)
def _(scenario: Scenario, process: Process, category: str, cell: str, priority: str) -> None:
    _explained(scenario, f"gives {cell}, raised to {priority} by the {process.category(category).id} floor;")


@then("the explanation says no floor raised the priority")
def _(scenario: Scenario) -> None:
    explanation = routed(scenario)["explanation"]
    assert "raised to" not in explanation, explanation


@then(parsers.re(r'the explanation says trigger (?P<number>\d+), "(?P<trigger>[^"]+)", matched'))
def _(scenario: Scenario, process: Process, number: str, trigger: str) -> None:
    _explained(scenario, f"trigger {number} '{trigger_id(process, trigger)}' matched")


@then(parsers.re(r"the explanation says no trigger matched and it stays at (?P<tier>.+)"))
def _(scenario: Scenario, process: Process, tier: str) -> None:
    _explained(scenario, f"no trigger matched: stays at {tier_name(process, tier)};")


@then(parsers.re(r"the explanation says it stays at (?P<tier>.+)"))
def _(scenario: Scenario, process: Process, tier: str) -> None:
    _explained(scenario, f"; stays at {tier_name(process, tier)};")


@then(parsers.re(r'the explanation says the "(?P<handover>[^"]+)" takes it to (?P<tier>.+?) because "(?P<why>[^"]+)"'))
def _(scenario: Scenario, process: Process, handover: str, tier: str, why: str) -> None:
    _explained(scenario, f"hand-over '{handover_id(process, handover)}' ({why}) → {tier_name(process, tier)};")


@then(parsers.re(r"the explanation says (?P<tier>.+?)'s clock starts at the fix window, \"(?P<when>[^\"]+)\""))
def _(scenario: Scenario, process: Process, tier: str, when: str) -> None:
    name, start = tier_name(process, tier), moment(when, process).isoformat()
    _explained(scenario, f"{routed(scenario)['priority']} waits for the fix window: {name}'s clock starts {start}.")


@then(parsers.re(r"exactly (?P<channels>.+) (?:is|are) notified"))
def _(scenario: Scenario, process: Process, channels: str) -> None:
    notified = routed(scenario)["notify"]
    assert sorted(notified) == sorted(channel_names(process, channels)), notified


@then(parsers.re(r'"(?P<channel>[^"]+)" is notified'))
def _(scenario: Scenario, process: Process, channel: str) -> None:
    process.channel(channel)
    assert channel in routed(scenario)["notify"], scenario.routed


@then(parsers.re(r'"(?P<channel>[^"]+)" is not notified'))
def _(scenario: Scenario, process: Process, channel: str) -> None:
    process.channel(channel)
    assert channel not in routed(scenario)["notify"], scenario.routed


@then("no channel is notified")
def _(scenario: Scenario) -> None:
    assert routed(scenario)["notify"] == [], scenario.routed


@then(parsers.re(r'the (?P<clock>[^"]+?) is due "(?P<when>[^"]+)"'))
def _(scenario: Scenario, process: Process, clock: str, when: str) -> None:
    line, key = routed(scenario), clock_id(process, clock)
    found, expected = due(line, key), moment(when, process)
    assert found is not None, f"there is no {clock} goal: {line['explanation']}"
    assert found == expected, f"{clock} due {found:%a %Y-%m-%d %H:%M %z}, expected {expected:%a %Y-%m-%d %H:%M %z}"


@then(parsers.re(r"the (?P<clock>.+?) clock stands still"))
def _(scenario: Scenario, process: Process, clock: str) -> None:
    line, key = routed(scenario), clock_id(process, clock)
    assert f"{key}_due" in line and line[f"{key}_due"] is None, f"{clock} is due {line.get(f'{key}_due')}"


@then(parsers.re(r'the (?P<clock>.+?) of "(?P<ticket>[^"]+)" is due "(?P<when>[^"]+)"'))
def _(scenario: Scenario, process: Process, clock: str, ticket: str, when: str) -> None:
    lines = [json.loads(line) for line in scenario.printed]
    line = next((line for line in lines if line["id"] == ticket), None)
    assert line, f"no ticket {ticket} was routed: {[line['id'] for line in lines]}"
    assert due(line, clock_id(process, clock)) == moment(when, process), line


@then(parsers.re(r"there is no (?P<clock>.+?) goal"))
def _(scenario: Scenario, process: Process, clock: str) -> None:
    line, key = routed(scenario), clock_id(process, clock)
    assert due(line, key) is None, f"{clock} is due {line[f'{key}_due']}"
    assert key not in line.get("clocks", {}), f"a {clock} clock runs: {line['clocks'][key]}"


def _clock_state(scenario: Scenario, process: Process, clock: str) -> dict[str, Any]:
    clocks = routed(scenario).get("clocks")
    assert clocks is not None, "no moment given: check the clocks at a time"
    key = clock_id(process, clock)
    assert key in clocks, f"no {clock} clock runs for this ticket"
    return clocks[key]


def _judged(scenario: Scenario, process: Process, clock: str) -> tuple[str, str | None]:
    state = _clock_state(scenario, process, clock)
    return state["state"], state["action"]


@then(parsers.re(r"the (?P<clock>.+?) goal is on track"))
def _(scenario: Scenario, process: Process, clock: str) -> None:
    state = _clock_state(scenario, process, clock)
    assert (state["state"], state["action"], state["notify"]) == ("ok", None, []), state


@then(parsers.re(r"the (?P<clock>.+?) goal was missed"))
def _(scenario: Scenario, process: Process, clock: str) -> None:
    assert _judged(scenario, process, clock)[0] == "missed"


@then(parsers.re(r"the (?P<clock>.+?) goal is met"))
def _(scenario: Scenario, process: Process, clock: str) -> None:
    assert _judged(scenario, process, clock)[0] == "met"


@then(parsers.re(r"the (?P<clock>.+?) goal is at risk and a warning is posted"))
def _(scenario: Scenario, process: Process, clock: str) -> None:
    assert _judged(scenario, process, clock) == ("at-risk", process.at_risk.action)


@then(parsers.re(r"the (?P<clock>.+?) goal is missed and it goes to (?P<tier>.+)"))
def _(scenario: Scenario, process: Process, clock: str, tier: str) -> None:
    assert _judged(scenario, process, clock) == ("breached", f"escalate:{tier_id(process, tier)}")


@then(parsers.re(r"the (?P<clock>.+?) goal is missed and the (?P<role>.+?) is alerted"))
def _(scenario: Scenario, process: Process, clock: str, role: str) -> None:
    assert _judged(scenario, process, clock) == ("breached", f"alert:{role_id(process, role)}")


@then(parsers.re(r"the (?P<clock>.+?) goal is missed and nothing more happens"))
def _(scenario: Scenario, process: Process, clock: str) -> None:
    assert _judged(scenario, process, clock) == ("breached", None)


@then(parsers.re(r'exactly (?P<channels>".+") (?:is|are) told of the missed (?P<clock>.+?) goal'))
def _(scenario: Scenario, process: Process, clock: str, channels: str) -> None:
    state = _clock_state(scenario, process, clock)
    assert state["state"] == "breached", state
    assert sorted(state["notify"]) == sorted(channel_names(process, channels)), state["notify"]


@then(parsers.re(r"no channel is told of the missed (?P<clock>.+?) goal"))
def _(scenario: Scenario, process: Process, clock: str) -> None:
    state = _clock_state(scenario, process, clock)
    assert (state["state"], state["notify"]) == ("breached", []), state


def _missing(scenario: Scenario, process: Process, fields: str) -> None:
    template, missing = template_named(scenario, process), routed(scenario)["missing_fields"]
    expected = [field_id(template, f) for f in re.findall(r'"([^"]+)"', fields)]
    assert sorted(missing) == sorted(expected), missing


@then(parsers.re(r"it is returned to (?P<tier>.+?) for (?P<fields>.+)"))
def _(scenario: Scenario, process: Process, tier: str, fields: str) -> None:
    line = routed(scenario)
    assert line["route"] == tier_id(process, tier), line["explanation"]
    _missing(scenario, process, fields)


@then(parsers.re(r'(?P<fields>".+") (?:is|are) missing'))
def _(scenario: Scenario, process: Process, fields: str) -> None:
    _missing(scenario, process, fields)


@then("nothing is missing")
def _(scenario: Scenario) -> None:
    assert routed(scenario)["missing_fields"] == [], scenario.routed


@then(parsers.re(r"(?P<tier>.+?) sends the customer an? (?P<name>.+?) (?P<cadence>(?:every|daily|on)\b.*)"))
def _(scenario: Scenario, process: Process, tier: str, name: str, cadence: str) -> None:
    line = routed(scenario)
    assert tier_id(process, tier) == process.communication.customer_contact
    assert template_of(process, name).id == process.communication.update_template
    assert process.priority(line["priority"]).customer_updates == cadence


@then(parsers.re(r"the (?P<name>.+?) requires (?P<fields>\".+)"))
def _(process: Process, name: str, fields: str) -> None:
    template = template_of(process, name)
    required = [f.id for f in template.fields if f.required]
    assert required == [field_id(template, f) for f in re.findall(r'"([^"]+)"', fields)], required


@then(parsers.re(r"line (?P<number>\d+) is refused, and no other: (?P<message>.+)"))
def _(scenario: Scenario, number: str, message: str) -> None:
    assert scenario.problems == f"ticket.jsonl:{number}: error: {message}\n", scenario.problems or "nothing refused"


@then(parsers.re(r"it is refused: (?P<message>.+)"))
def _(scenario: Scenario, message: str) -> None:
    assert scenario.routed == {}, f"it was routed: {scenario.routed}"
    assert scenario.problems == f"ticket.jsonl:1: error: {message}\n", scenario.problems


@then(parsers.re(r'it is refused as an unknown (?P<kind>category|urgency|impact|tier) "(?P<value>[^"]*)"'))
def _(scenario: Scenario, process: Process, kind: str, value: str) -> None:
    known = [t.id for t in process.tiers] if kind == "tier" else process.domains()[kind]
    said = f"ticket.jsonl:1: error: unknown {kind} '{value}'; known: {', '.join(known)}"
    assert scenario.problems.startswith(said), scenario.problems
    assert re.fullmatch(r"( \(did you mean '[^']+'\?\))?\n", scenario.problems[len(said) :]), scenario.problems


@then(parsers.re(r"its id is printed as (?P<value>.+)"))
def _(scenario: Scenario, value: str) -> None:
    assert routed(scenario)["id"] == json.loads(value), scenario.routed


@then("nothing is refused")
def _(scenario: Scenario) -> None:
    assert scenario.problems == "", scenario.problems


@then(parsers.re(r"(?P<count>\d+) tickets? (?:is|are) routed"))
def _(scenario: Scenario, count: str) -> None:
    assert len(scenario.printed) == int(count), scenario.printed


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
