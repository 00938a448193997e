"""What cep sends Jira, checked by Atlassian's own tools: every platform request `apply` makes goes through Prism
mocking Atlassian's platform spec, and every query cep writes parses with Atlassian's JQL grammar."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_site import SERVER, FakeSite
from node_tools import jql_errors, prism

from cep.definition.loader import load_process
from cep.definition.model import Process
from cep.jira.bundle import jira_bundle
from cep.jira.site.command import jira_site
from project import PROCESS, load_changed, rename_first_category

ENV = {"JIRA_URL": SERVER, "JIRA_EMAIL": "admin@example.com", "JIRA_API_TOKEN": "not-a-real-token-7c2"}


@pytest.fixture(scope="module")
def process() -> Process:
    return load_process(PROCESS)


DEFAULT_VALUE = "/rest/api/3/field/{fieldId}/context/defaultValue"


def _spec_example(path: str) -> bytes:
    """Atlassian's own example body for a PUT in its platform spec."""
    document = json.loads((Path(__file__).parent / "atlassian" / "jira-platform-openapi.json").read_text("utf-8"))
    return json.dumps(document["paths"][path]["put"]["requestBody"]["content"]["application/json"]["example"]).encode()


def _violations(response: httpx.Response) -> list[dict[str, Any]]:
    """What Prism found wrong with the request (it also reports its own example answers, which are not ours)."""
    found = json.loads(response.headers.get("sl-violations", "[]"))
    return [v for v in found if v["location"][0] == "request"]


def test_every_platform_request_apply_makes_passes_prism(process: Process, capsys) -> None:
    site = FakeSite()
    hooks = {"SLACK_WEBHOOK_URL_CEP_ESCALATIONS": "https://hooks.example/1"}
    assert jira_site(process, "SUP", "apply", environ={**ENV, **hooks}, transport=site.transport()) == 0
    capsys.readouterr()
    sent = [r for r in site.sent if r.url.path.startswith("/rest/api/3/")]
    assert {r.method for r in sent} == {"GET", "POST", "PUT"} and len(sent) > 60
    refused = []
    with prism() as url, httpx.Client(base_url=url, timeout=60) as mock:
        for request in sent:
            headers = {k: v for k, v in request.headers.items() if k.lower() in ("authorization", "content-type")}
            answer = mock.request(
                request.method, request.url.path, params=request.url.params, content=request.content, headers=headers
            )
            if answer.status_code in (400, 401, 404, 405, 415, 422) or _violations(answer):
                refused.append((request.method, request.url.path, answer.status_code, _violations(answer)))
        # One spec defect: default values forbid the `type` their discriminator requires, so no body can pass.
        # Atlassian's own example is refused alike; cep's body is checked against its variant by the fake instead.
        example = mock.put(
            DEFAULT_VALUE.replace("{fieldId}", "customfield_1"), content=_spec_example(DEFAULT_VALUE), headers=headers
        )
    assert _violations(example)
    ours = [
        r
        for r in refused
        if not r[1].endswith("/context/defaultValue")
        or not any(v["code"] == "additionalProperties" and v["message"].endswith("'type'") for v in r[3])
    ]
    assert ours == []


def test_prism_refuses_a_request_off_the_spec() -> None:
    """The check above can fail: Prism refuses a body the spec does not allow."""
    with prism() as url, httpx.Client(base_url=url, timeout=60, auth=("a", "b")) as mock:
        answer = mock.post("/rest/api/3/priorityscheme", json={"name": "x", "priorityIds": ["1"]})
    assert answer.status_code in (400, 422) and _violations(answer)


def _queries(bundle: dict[str, Any]) -> list[str]:
    """Every JQL text in a bundle: filters, SLA goals, rule triggers and JQL conditions."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("jql"), str):
                found.append(node["jql"])
            if node.get("type") == "jira.jql.condition":
                found.append(node["value"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(bundle)
    return found


def test_every_query_in_the_bundle_parses_with_atlassians_grammar(process: Process, tmp_path: Path) -> None:
    def hostile(data: dict) -> None:
        data["jira"]["field_prefix"] = 'CEP "x" \\ AND ORDER BY '
        rename_first_category(data, "not")  # a JQL keyword as a value

    for each in (process, load_changed(tmp_path, hostile)):
        queries = _queries(jira_bundle(each, [2026, 2027]))
        assert len(queries) > 30
        errors = {q: e for q, e in jql_errors(queries).items() if e}
        assert errors == {}


def test_the_grammar_refuses_broken_queries() -> None:
    broken = ['"CEP tier" = ', '"CEP tier" in ("a", ', 'status = "a" AND AND x = y']
    assert all(jql_errors(broken)[q] for q in broken)
