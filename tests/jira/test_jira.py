"""The Jira bundle: its own schema, Atlassian's request schemas, the model's values, and proof it routes alike."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource

from cep.definition.model import Process
from cep.jira import jira_bundle
from cep.jira.equivalence import check_equivalence
from cep.jira.jql import JqlError, parse, quote
from project import ROOT, load_changed, rename_first_category

SCHEMAS = ROOT / "process" / "schema"
PLATFORM = json.loads((SCHEMAS / "jira-platform-components.json").read_text(encoding="utf-8"))
YEARS = [2026, 2027]


@pytest.fixture(scope="module")
def bundle(process: Process) -> dict[str, Any]:
    return jira_bundle(process, YEARS)


def _schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def test_bundle_matches_its_own_schema(bundle: dict[str, Any]) -> None:
    automation = _schema("jira-automation.schema.json")
    registry = Registry().with_resource(
        "https://cep.invalid/schema/jira-automation.schema.json", Resource.from_contents(automation)
    )
    validator = jsonschema.Draft202012Validator(_schema("jira-bundle.schema.json"), registry=registry)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(bundle)]
    assert not errors, errors[:5]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = PLATFORM["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def extra_keys(value: Any, schema: dict[str, Any], path: str = "") -> list[str]:
    """Keys the schema does not name, even where it allows additional properties: Jira would ignore or reject them."""
    schema = _resolve(schema)
    for part in schema.get("allOf", []):
        schema = {**schema, "properties": {**schema.get("properties", {}), **_resolve(part).get("properties", {})}}
    if isinstance(value, list) and "items" in schema:
        return [e for i, item in enumerate(value) for e in extra_keys(item, schema["items"], f"{path}[{i}]")]
    if not isinstance(value, dict):
        return []
    properties = schema.get("properties")
    if properties is None:  # a map, such as `properties: {}`
        extra = schema.get("additionalProperties")
        return (
            [e for k, v in value.items() for e in extra_keys(v, extra, f"{path}.{k}")]
            if isinstance(extra, dict)
            else []
        )
    found = [f"{path}.{key}" for key in value if key not in properties]
    return found + [
        e for key, v in value.items() if key in properties for e in extra_keys(v, properties[key], f"{path}.{key}")
    ]


def _bodies(bundle: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = [
        (section, body)
        for section in ("priorities", "issueTypes", "statuses", "workflows", "filters")
        for body in bundle[section]
    ]
    out += [
        (f"fields.{part}", item[part])
        for item in bundle["fields"]
        for part in ("field", "context", "options")
        if part in item
    ]
    return out


def test_every_request_body_matches_atlassians_schema(bundle: dict[str, Any]) -> None:
    checked = 0
    for section, body in _bodies(bundle):
        name = PLATFORM["requests"][section]["schema"]
        OAS30Validator({"$ref": f"#/components/schemas/{name}", **PLATFORM}).validate(body)
        assert extra_keys(body, {"$ref": f"#/components/schemas/{name}"}) == [], (section, body)
        checked += 1
    assert checked == len(_bodies(bundle)) > 30


def test_the_strict_key_check_catches_an_extra_key(bundle: dict[str, Any]) -> None:
    body = {**bundle["priorities"][0], "colour": "#000000"}  # CreatePriorityDetails allows extra keys
    OAS30Validator({"$ref": "#/components/schemas/CreatePriorityDetails", **PLATFORM}).validate(body)
    assert extra_keys(body, {"$ref": "#/components/schemas/CreatePriorityDetails"}) == [".colour"]


def test_values_come_from_the_model(process: Process, bundle: dict[str, Any]) -> None:
    assert [(p["name"], p["statusColor"]) for p in bundle["priorities"]] == [
        (p.id, p.colour) for p in process.priorities
    ]
    options = {
        f["field"]["name"]: [o["value"] for o in f.get("options", {}).get("options", [])] for f in bundle["fields"]
    }
    assert options["CEP urgency"] == [u.id for u in process.urgency]
    assert options["CEP tier"] == [t.id for t in process.tiers]
    assert options["CEP escalation trigger"] == [t.id for t in process.triggers]
    statuses = [s["name"] for s in bundle["statuses"][0]["statuses"]]
    assert statuses[: len(process.tiers)] == [t.status for t in process.tiers]
    assert {"Waiting for customer", "Returned to Tier 1", "Resolved", "Closed"} <= set(statuses)
    assert [f["name"] for f in bundle["filters"]][: len(process.tiers)] == [
        f"CEP queue: {t.name}" for t in process.tiers
    ]
    metrics = {m["clock"]: m for m in bundle["serviceManagement"]["slaMetrics"]}
    assert [g["target"] for g in metrics["first_response"]["goals"]] == ["1h", "4h", "9h", "18h"]
    assert [g["target"] for g in metrics["resolution"]["goals"]] == ["24h", "27h", "90h", "270h"]
    assert metrics["review"]["goals"][0]["target"] == "90h"
    holidays = {h["date"] for c in bundle["serviceManagement"]["calendars"] for h in c["holidays"]}
    assert {"2026-12-16", "2027-12-16"} <= holidays
    assert set(bundle["placeholders"]) == {"JIRA_PROJECT_ID"} | {
        "SLACK_WEBHOOK_URL_CEP_" + c.id[5:].upper().replace("-", "_") for c in process.channels
    }
    # no second context: the default one Jira makes is limited to the project
    assert all(item["context"] == {"projectIds": ["JIRA_PROJECT_ID"]} for item in bundle["fields"])


@pytest.mark.parametrize(
    ("category", "trigger", "tier", "goal"),
    [
        ("feature-request", "product-insight", "tier-3", None),  # an accepted feature: normal planning, no goal
        ("feature-request", "product-insight", "tier-2-po", "2h"),
        ("bug", "confirmed-bug", "tier-3", "2h"),
    ],
)
def test_only_timed_tiers_get_an_acknowledgement_goal(bundle, category: str, trigger: str, tier: str, goal) -> None:
    metric = next(m for m in bundle["serviceManagement"]["slaMetrics"] if m["clock"] == "acknowledge")
    ticket = {"priority": "P2", "cep category": category, "cep escalation trigger": trigger, "cep tier": tier}
    assert next((g["target"] for g in metric["goals"] if parse(g["jql"])(ticket)), None) == goal


def test_workflow_references_are_consistent(bundle: dict[str, Any]) -> None:
    request = bundle["workflows"][0]
    references = {s["statusReference"] for s in request["statuses"]}
    workflow = request["workflows"][0]
    assert {s["statusReference"] for s in workflow["statuses"]} == references
    for transition in workflow["transitions"]:
        assert transition["toStatusReference"] in references
        assert all(link["fromStatusReference"] in references for link in transition["links"])


def _enabled(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """The rules as `cep jira apply` leaves them once every webhook URL is known."""
    return [{**r, "rule": {**r["rule"], "state": "ENABLED"}} for r in copy.deepcopy(bundle["automation"])]


def test_automation_routes_every_kind_of_ticket_like_the_router(process: Process, bundle: dict[str, Any]) -> None:
    compared, difference = check_equivalence(process, bundle)
    assert difference is None, str(difference)
    kinds = len(process.categories) * len(process.urgency) * len(process.impact) * 3  # reproduced: yes, no, empty
    breaches = len(process.tiers) * len(process.priorities) * len(process.clocks)
    assert compared >= 2 * (2 * kinds + breaches)  # filled and empty hand-overs, each in both rule orders


def _rule(rules: list[dict[str, Any]], key: str) -> dict[str, Any]:
    from cep.jira.automation import rule_uuid

    return next(r["rule"] for r in rules if r["rule"]["uuid"] == rule_uuid("customer-escalation", key))


def _disable_priority(rules, bundle):  # type: ignore[no-untyped-def]
    _rule(rules, "set-priority")["state"] = "DISABLED"


def _route_on_category_only(rules, bundle):  # type: ignore[no-untyped-def]
    _rule(rules, "route")["trigger"]["value"]["fields"] = [{"type": "fieldName", "value": "CEP category"}]


def _no_transition_to_returned(rules, bundle):  # type: ignore[no-untyped-def]
    workflow = bundle["workflows"][0]["workflows"][0]
    returned = next(
        s["statusReference"] for s in bundle["workflows"][0]["statuses"] if s["name"].startswith("Returned")
    )
    workflow["transitions"] = [t for t in workflow["transitions"] if t["toStatusReference"] != returned]


def _reordered_triggers(rules, bundle):  # type: ignore[no-untyped-def]
    _rule(rules, "route")["components"][1]["children"].reverse()


def _alerts_unmarked(rules, bundle):  # type: ignore[no-untyped-def]
    for block in _rule(rules, "alerts")["components"][0]["children"]:
        block["children"] = [c for c in block["children"] if c["value"].get("operations", [{}])[0].get("type") != "ADD"]


def _scheduled_rule_gone(rules, bundle):  # type: ignore[no-untyped-def]
    rules.remove(next(r for r in rules if r["rule"] is _rule(rules, "alerts")))


def _return_rule_keeps_tier(rules, bundle):  # type: ignore[no-untyped-def]
    route = _rule(rules, "route")
    for block in route["components"][1]["children"]:
        block["children"] = [
            c for c in block["children"] if not (c["type"] == "jira.issue.edit" and len(block["children"]) == 3)
        ]


def _window_never_opens(rules, bundle):  # type: ignore[no-untyped-def]
    _rule(rules, "window:bug-fix")["state"] = "DISABLED"


def _window_ignores_holidays(rules, bundle):  # type: ignore[no-untyped-def]
    compare = _rule(rules, "window:bug-fix")["components"][0]["value"]
    compare["first"] = compare["first"].replace("2026-12-17T08", "2026-12-16T08")


def _announced_twice(rules, bundle):  # type: ignore[no-untyped-def]
    announce = _rule(rules, "announce:p1-announcement")
    once = announce["components"][1]["children"][0]["children"]  # mark the ticket, then post
    announce["components"][1] = once[1]  # post whether or not the channel was told already


def _every_handover_at_once(rules, bundle):  # type: ignore[no-untyped-def]
    container = _rule(rules, "handover:bug-fix")["components"][1]
    container["children"] = container["children"][1:]


@pytest.mark.parametrize(
    "mutate",
    [
        _disable_priority,
        _route_on_category_only,
        _no_transition_to_returned,
        _reordered_triggers,
        _alerts_unmarked,
        _scheduled_rule_gone,
        _return_rule_keeps_tier,
        _window_never_opens,
        _window_ignores_holidays,
        _every_handover_at_once,
        _announced_twice,
    ],
)
def test_the_check_finds_a_mutated_rule(process: Process, bundle: dict[str, Any], mutate) -> None:  # type: ignore[no-untyped-def]
    broken_bundle = copy.deepcopy(bundle)
    rules = _enabled(broken_bundle)
    mutate(rules, broken_bundle)
    _, difference = check_equivalence(process, broken_bundle, rules)
    assert difference is not None, mutate.__name__


def test_the_check_finds_a_wrong_priority_cell(process: Process, bundle: dict[str, Any]) -> None:
    rules = _enabled(bundle)
    first_if = _rule(rules, "set-priority")["components"][0]["children"][0]["conditions"][0]
    first_if["value"] = first_if["value"].replace(
        '"CEP impact" in ("platform", "organisation", "team")', '"CEP impact" in ("platform", "organisation")', 1
    )
    _, difference = check_equivalence(process, bundle, rules)
    assert difference is not None and "/critical/team/" in str(difference)


@pytest.mark.parametrize("name", ["plain", 'say "hi"', "back\\slash", "AND", "x OR y", "not in", "(a, b)", "é ✓"])
def test_hostile_names_round_trip_through_jql(name: str) -> None:
    match = parse(f"{quote(name)} = {quote(name)} AND {quote(name)} in ({quote(name)}, {quote('other')})")
    assert match({name.lower(): name}) and not match({name.lower(): "else"})


def test_jql_outside_the_subset_is_refused() -> None:
    for text in ['"a" ~ "b"', '"a" =', '("a" = "b"', '"a" is "b"']:
        with pytest.raises(JqlError):
            parse(text)


def test_a_hostile_process_still_routes_alike(tmp_path: Path) -> None:
    def change(data: dict) -> None:
        data["jira"]["field_prefix"] = 'CEP "x" \\ AND '
        rename_first_category(data, "not")  # a JQL keyword as a value

    hostile = load_changed(tmp_path, change)
    bundle = jira_bundle(hostile, YEARS)
    _, difference = check_equivalence(hostile, bundle)
    assert difference is None, str(difference)


def test_export_is_deterministic_and_holds_no_credentials(run_cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("JIRA_API_TOKEN", "s3cr3t-token")
    first = run_cli("jira", "export")
    assert first.code == 0
    assert run_cli("jira", "export", "-o", str(tmp_path / "bundle.json")).code == 0
    assert (tmp_path / "bundle.json").read_text(encoding="utf-8") == first.out
    assert run_cli("jira", "export").out == first.out
    assert "s3cr3t" not in first.out and "Authorization" not in first.out
    assert json.loads(first.out)["schema_version"] == 1


def test_export_of_a_broken_definition_fails_cleanly(run_cli) -> None:
    result = run_cli("jira", "export", "--process", "tests/data/bad/dangling-tier.yaml")
    assert result.code == 1 and result.err.startswith("tests/data/bad/dangling-tier.yaml:39:12: error:")
