"""A stateful fake of the Jira Cloud endpoints `cep jira plan/apply/drift` uses, for the tests only.

Every platform request and answer is checked against Atlassian's own spec (vendored whole in `atlassian/`) with
openapi-core; automation rules against cep's schema built from Atlassian's automation spec. It keeps state as a
site does: a new custom field gets a global default context; names are unique where Jira makes them so (409/400).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import jsonschema
from node_tools import jql_errors
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS30Validator

HERE = Path(__file__).parent
SERVER = "https://your-domain.atlassian.net"  # the server Atlassian's spec names
CLOUD = "5b3b7f2e-1d1c-4c8e-9a0e-2f7d4c1b9a10"
AUTOMATION = f"/gateway/api/automation/public/jira/{CLOUD}/rest/v1"
_SPEC: OpenAPI | None = None


def spec() -> OpenAPI:
    global _SPEC
    if _SPEC is None:  # Atlassian's document fails openapi-spec-validator itself (a default outside its enum)
        document = json.loads((HERE / "atlassian" / "jira-platform-openapi.json").read_text(encoding="utf-8"))
        _SPEC = OpenAPI.from_dict(document, config=Config(spec_validator_cls=None))
    return _SPEC


_DOCUMENT: dict[str, Any] = {}


def _components() -> dict[str, Any]:
    if not _DOCUMENT:
        _DOCUMENT.update(json.loads((HERE / "atlassian" / "jira-platform-openapi.json").read_text(encoding="utf-8")))
    return {"components": _DOCUMENT["components"]}


def _validate(schema: str, value: Any) -> None:
    """`value` against one of the spec's schemas, read and write alike."""
    OAS30Validator({"$ref": f"#/components/schemas/{schema}", **_components()}).validate(value)


def _single_option(value: dict[str, Any]) -> None:
    assert value["type"] == "option.single"
    _validate("CustomFieldContextDefaultValueSingleOption", value)


def _page(values: list[Any]) -> dict[str, Any]:
    return {"startAt": 0, "maxResults": 100, "total": len(values), "isLast": True, "values": values}


def _desk_page(values: list[Any]) -> dict[str, Any]:
    return {"start": 0, "limit": 100, "size": len(values), "isLastPage": True, "values": values}


class FakeSite:
    def __init__(self, project: str = "SUP") -> None:
        self.ids = itertools.count(10100)
        self.project = {"id": "10000", "key": project, "name": "Support"}
        self.priorities: list[dict[str, Any]] = [
            {"id": "3", "name": "Medium", "description": "", "statusColor": "#ffab00", "iconUrl": "x"}
        ]
        self.issue_types: list[dict[str, Any]] = [
            {"id": "10001", "name": "Task", "description": "", "hierarchyLevel": 0}
        ]
        self.statuses: list[dict[str, Any]] = [  # JSM's own
            {"id": id_, "name": name, "statusCategory": category, "scope": {"type": "GLOBAL"}, "description": ""}
            for id_, name, category in (
                ("10010", "Waiting for customer", "IN_PROGRESS"),
                ("10011", "Resolved", "DONE"),
                ("10012", "Closed", "DONE"),
            )
        ]
        self.fields: list[dict[str, Any]] = []
        self.contexts: dict[str, list[dict[str, Any]]] = {}
        self.options: dict[str, list[dict[str, Any]]] = {}
        self.defaults: dict[str, list[dict[str, Any]]] = {}
        self.workflows: list[dict[str, Any]] = []
        self.workflow_schemes: list[dict[str, Any]] = []
        self.project_workflow_scheme: str | None = None
        self.issue_type_scheme = {"id": "10000", "name": "Default Issue Type Scheme", "types": ["10001"]}
        self.priority_schemes: list[dict[str, Any]] = [
            {"id": "1", "name": "Default priority scheme", "isDefault": True, "priorities": ["3"], "projects": []}
        ]
        self.filters: list[dict[str, Any]] = []
        # the project's own screens, as Jira makes them with a service project: one scheme, three screens
        self.screens = {
            id_: {"name": f"SUP: {kind} screen", "tab": {"id": 10000 + id_, "name": "Field Tab"}, "fields": []}
            for id_, kind in ((1, "Create"), (2, "Edit"), (3, "View"))
        }
        self.desk_requesttypes: list[dict[str, Any]] = []
        self.queues: list[dict[str, Any]] = []
        self.rules: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str]] = []
        self.sent: list[httpx.Request] = []  # every request, as sent
        self.fail_on: Callable[[str, str], bool] = lambda method, path: False
        self.refuse_jql: Callable[[str], bool] = lambda query: False  # a site whose Jira refuses some queries
        self.automation_schema = json.loads(
            (HERE.parent.parent / "process" / "schema" / "jira-automation.schema.json").read_text(encoding="utf-8")
        )

    def new_id(self) -> str:
        return str(next(self.ids))

    # -- transport --------------------------------------------------------------------------------------------
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        method, path = request.method, request.url.path
        self.requests.append((method, path))
        body = json.loads(request.content) if request.content else None
        query = dict(request.url.params)
        platform = path.startswith("/rest/api/3/")
        self.sent.append(request)
        if path.endswith("/context/defaultValue"):
            # Atlassian's schema for default values sets additionalProperties: false beside a discriminator, so no
            # value can pass it; each is checked against the variant its `type` names instead, both ways.
            for value in (body or {}).get("defaultValues", []):
                _single_option(value)
            platform = False
        if platform:
            mock = MockRequest(
                SERVER,
                method.lower(),
                path,
                args=query,
                data=request.content or None,
                content_type="application/json" if request.content else None,
                headers={"Authorization": request.headers["Authorization"]},
            )
            spec().validate_request(mock)
        if path.endswith("/requesttype") and method == "POST":
            assert request.headers.get("X-ExperimentalApi") == "opt-in"  # Atlassian marks this API experimental
        if self.fail_on(method, path):
            return httpx.Response(500, json={"errorMessages": ["the fake site failed on purpose"]})
        status, answer = self.route(method, path, query, body)
        if path == "/rest/api/3/screenscheme":
            # the spec marks a screen scheme's `screens` write-only, yet its own example answer holds them, as Jira's
            # answers do: checked against the schema with both directions allowed
            _validate("PageBeanScreenScheme", answer)
            platform = False
        if platform and status < 300 and answer is not None:
            content = json.dumps(answer).encode() if answer is not None else b""
            try:
                spec().validate_response(
                    mock, MockResponse(content, status_code=status, content_type="application/json")
                )
            except Exception as error:
                raise AssertionError(
                    f"the fake's answer to {method} {path} breaks Atlassian's spec: {error}"
                ) from error
        return httpx.Response(status, json=answer) if answer is not None else httpx.Response(status)

    # -- the endpoints ----------------------------------------------------------------------------------------
    def route(self, method: str, path: str, q: dict[str, str], body: Any) -> tuple[int, Any]:
        p = path
        if p == f"/rest/api/3/project/{self.project['key']}":
            return 200, self.project
        if p == "/rest/api/3/myself":
            return 200, {"accountId": "5b10ac8d82e05b22cc7d4ef5", "displayName": "Admin"}
        if p == "/_edge/tenant_info":
            return 200, {"cloudId": CLOUD}
        if p == "/rest/api/3/priority/search":
            return 200, _page(self.priorities)
        if p == "/rest/api/3/priority" and method == "POST":
            return self._create_named(self.priorities, body, 400)
        if m := re.fullmatch(r"/rest/api/3/priority/(\w+)", p):
            self._one(self.priorities, m[1]).update(body)
            return 204, None
        if p == "/rest/api/3/issuetype":
            if method == "GET":
                return 200, self.issue_types
            status, answer = self._create_named(self.issue_types, {k: v for k, v in body.items() if k != "type"}, 409)
            return status, self._one(self.issue_types, answer["id"]) if status == 201 else answer
        if m := re.fullmatch(r"/rest/api/3/issuetype/(\w+)", p):
            item = self._one(self.issue_types, m[1])
            item.update(body)
            return 200, item
        if p == "/rest/api/3/statuses/search":
            return 200, _page(self.statuses)
        if p == "/rest/api/3/statuses":
            made = []
            for status in body["statuses"]:
                if any(s["name"].casefold() == status["name"].casefold() for s in self.statuses):
                    return 400, {"errorMessages": [f"status {status['name']} exists"]}
                made.append({**status, "id": self.new_id(), "scope": body["scope"]})
            self.statuses += made
            return 200, made
        if p == "/rest/api/3/field/search":
            return 200, _page(self.fields)
        if p == "/rest/api/3/field" and method == "POST":
            field_id = f"customfield_{self.new_id()}"
            field = {"id": field_id, "name": body["name"], "schema": {"type": "option", "custom": body["type"]}}
            self.fields.append(field)  # Jira allows two fields of one name; cep must not make them
            self.contexts[field_id] = [
                {
                    "id": self.new_id(),
                    "name": "Default Configuration Scheme",
                    "description": "",
                    "isGlobalContext": True,
                    "isAnyIssueType": True,
                }
            ]
            return 201, {**field, "custom": True}
        if m := re.fullmatch(r"/rest/api/3/field/(\w+)/context", p):
            return 200, _page(self.contexts[m[1]])
        if m := re.fullmatch(r"/rest/api/3/field/(\w+)/context/(\w+)/project", p):
            context = self._one(self.contexts[m[1]], m[2])
            context["isGlobalContext"] = False
            return 204, None
        if m := re.fullmatch(r"/rest/api/3/field/(\w+)/context/(\w+)/option", p):
            options = self.options.setdefault(m[2], [])
            if method == "GET":
                return 200, _page(options)
            made = [{"id": self.new_id(), "value": o["value"], "disabled": False} for o in body["options"]]
            options += made
            return 200, {"options": made}
        if m := re.fullmatch(r"/rest/api/3/field/(\w+)/context/defaultValue", p):
            if method == "GET":
                return 200, _page(self.defaults.get(m[1], []))
            self.defaults[m[1]] = body["defaultValues"]
            return 204, None
        if p.endswith("/context/defaultValue") and method == "GET":
            for value in self.defaults.get(p.split("/")[5], []):
                _single_option(value)
        if p == "/rest/api/3/resolution/search":
            return 200, _page([{"id": "10000", "name": "Done", "description": "Work has been completed."}])
        if p == "/rest/api/3/workflows/search":
            found = [w for w in self.workflows if q.get("queryString", "").lower() in w["name"].lower()]
            return 200, {"startAt": 0, "maxResults": 50, "total": len(found), "isLast": True, "values": found}
        if p == "/rest/api/3/workflows/create/validation":
            return 200, {"errors": []}
        if p == "/rest/api/3/workflows/create":
            made = []
            for workflow in body["workflows"]:
                if any(w["name"] == workflow["name"] for w in self.workflows):
                    return 400, {"errorMessages": ["a workflow of that name exists"]}
                made.append({**workflow, "id": self.new_id(), "version": {"id": self.new_id(), "versionNumber": 0}})
                made[-1]["transitions"] = self._by_id(workflow["transitions"], body["statuses"])
            self.workflows += made
            return 200, {"workflows": made, "statuses": []}
        if p == "/rest/api/3/workflows/update":
            for change in body["workflows"]:
                workflow = self._one(self.workflows, change["id"])
                workflow["transitions"] = self._by_id(change["transitions"], body["statuses"])
                workflow["version"]["versionNumber"] += 1
            return 200, {"workflows": [], "statuses": []}
        if p == "/rest/api/3/workflowscheme" and method == "GET":
            return 200, _page(self.workflow_schemes)
        if p == "/rest/api/3/workflowscheme":
            scheme = {**body, "id": int(self.new_id())}
            self.workflow_schemes.append(scheme)
            return 201, scheme
        if p == "/rest/api/3/workflowscheme/project":
            if method == "PUT":
                self.project_workflow_scheme = str(body["workflowSchemeId"])
                return 204, None
            scheme = next((s for s in self.workflow_schemes if str(s["id"]) == self.project_workflow_scheme), None)
            values = [{"projectIds": [self.project["id"]], "workflowScheme": scheme}] if scheme else []
            return 200, {"values": values}
        if m := re.fullmatch(r"/rest/api/3/workflowscheme/(\w+)", p):
            scheme = next(s for s in self.workflow_schemes if str(s["id"]) == m[1])
            scheme.update({k: v for k, v in body.items() if k != "updateDraftIfNeeded"})
            return 200, scheme
        if p == "/rest/api/3/issuetypescheme/project":
            scheme = {k: v for k, v in self.issue_type_scheme.items() if k != "types"}
            return 200, _page([{"issueTypeScheme": scheme, "projectIds": [self.project["id"]]}])
        if p == "/rest/api/3/issuetypescheme/mapping":
            scheme = self.issue_type_scheme
            return 200, _page([{"issueTypeId": t, "issueTypeSchemeId": scheme["id"]} for t in scheme["types"]])
        if m := re.fullmatch(r"/rest/api/3/issuetypescheme/(\w+)/issuetype", p):
            self.issue_type_scheme["types"] += [
                t for t in body["issueTypeIds"] if t not in self.issue_type_scheme["types"]
            ]
            return 204, None
        if p == "/rest/api/3/priorityscheme" and method == "GET":
            chosen = [s for s in self.priority_schemes if q.get("schemeName", "") in s["name"]]
            return 200, _page([self._priority_scheme(s) for s in chosen])
        if p == "/rest/api/3/priorityscheme":
            scheme = {
                "id": self.new_id(),
                "name": body["name"],
                "isDefault": False,
                "priorities": [str(i) for i in body["priorityIds"]],
                "projects": [str(i) for i in body.get("projectIds", [])],
            }
            self.priority_schemes.append(scheme)
            return 201, {"id": scheme["id"]}
        if m := re.fullmatch(r"/rest/api/3/priorityscheme/(\w+)", p):
            scheme = self._one(self.priority_schemes, m[1])
            scheme["priorities"] += [str(i) for i in body.get("priorities", {}).get("add", {}).get("ids", [])]
            scheme["projects"] += [str(i) for i in body.get("projects", {}).get("add", {}).get("ids", [])]
            return 202, {"priorityScheme": self._priority_scheme(scheme)}
        if p == "/rest/api/3/filter/search":
            chosen = [f for f in self.filters if q.get("filterName", "").lower() in f["name"].lower()]
            return 200, _page(chosen)
        if p == "/rest/api/3/filter":
            if any(f["name"] == body["name"] for f in self.filters):
                return 400, {"errorMessages": ["A filter with this name already exists."]}
            self.filters.append({**body, "id": self.new_id()})
            return 200, self.filters[-1]
        if m := re.fullmatch(r"/rest/api/3/filter/(\w+)", p):
            item = self._one(self.filters, m[1])
            item.update(body)
            return 200, item
        if p == "/rest/api/3/issuetypescreenscheme/project":
            scheme = {"id": "10000", "name": "SUP: Issue Type Screen Scheme"}
            return 200, _page([{"issueTypeScreenScheme": scheme, "projectIds": [self.project["id"]]}])
        if p == "/rest/api/3/issuetypescreenscheme/mapping":
            return 200, _page([{"issueTypeId": "default", "issueTypeScreenSchemeId": "10000", "screenSchemeId": "1"}])
        if p == "/rest/api/3/screenscheme":
            screens = dict(zip(("create", "edit", "view"), self.screens, strict=True))
            return 200, _page([{"id": 1, "name": "SUP: Screen Scheme", "screens": {"default": 2, **screens}}])
        if p == "/rest/api/3/screens":
            return 200, _page([{"id": i, "name": s["name"]} for i, s in self.screens.items()])
        if m := re.fullmatch(r"/rest/api/3/screens/(\d+)/tabs", p):
            return 200, [self.screens[int(m[1])]["tab"]]
        if m := re.fullmatch(r"/rest/api/3/screens/(\d+)/tabs/(\d+)/fields", p):
            screen = self.screens[int(m[1])]
            if method == "POST":
                if any(f["id"] == body["fieldId"] for f in screen["fields"]):
                    return 400, {"errorMessages": ["the field is on the screen already"]}
                field = self._one(self.fields, body["fieldId"])
                screen["fields"].append({"id": field["id"], "name": field["name"]})
                return 200, screen["fields"][-1]
            return 200, screen["fields"]
        if p == "/rest/api/3/jql/parse":
            found = jql_errors(body["queries"])  # Atlassian's own grammar
            for query in filter(self.refuse_jql, body["queries"]):
                found[query] = [*found[query], "The value does not exist for the field."]
            return 200, {"queries": [{"query": q, "errors": found[q]} for q in body["queries"]]}
        if p.startswith("/rest/servicedeskapi/"):
            return self.service_desk(method, p.removeprefix("/rest/servicedeskapi/"), body)
        if p.startswith(AUTOMATION):
            return self.automation(method, p[len(AUTOMATION) :], body)
        return 404, {"errorMessages": [f"the fake has no {method} {p}"]}

    def service_desk(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        """Service Management, checked against cep's reading of Atlassian's spec (its text may not be copied)."""
        desk = {"id": "4", "projectId": self.project["id"], "projectKey": self.project["key"], "projectName": "Support"}
        if path == "servicedesk":
            return 200, _desk_page([desk])
        if path == "servicedesk/4/queue":
            return 200, _desk_page(self.queues)
        if path == "servicedesk/4/requesttype" and method == "GET":
            return 200, _desk_page(self.desk_requesttypes)
        if path == "servicedesk/4/requesttype":
            assert set(body) <= {"name", "description", "helpText", "issueTypeId"}, body  # RequestTypeCreateDTO
            assert all(isinstance(v, str) for v in body.values()), body
            if any(r["name"] == body["name"] for r in self.desk_requesttypes):
                return 400, {"errorMessage": "a request type of that name exists"}
            self.desk_requesttypes.append({**body, "id": self.new_id(), "serviceDeskId": "4"})
            return 200, self.desk_requesttypes[-1]
        return 404, {"errorMessage": f"the fake has no {method} servicedeskapi/{path}"}

    def automation(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if path == "/rule" and method == "POST":
            jsonschema.validate(body, self.automation_schema)
            uuid = body["rule"]["uuid"]
            if uuid in self.rules:
                return 400, {"errors": [{"title": "a rule with that uuid exists"}]}
            self.rules[uuid] = {**body["rule"], "created": 1, "authorAccountId": body["rule"]["actor"]["actor"]}
            return 200, {"ruleUuid": uuid}
        uuid = path.removeprefix("/rule/")
        if method == "GET":
            return (200, {"rule": self.rules[uuid], "connections": []}) if uuid in self.rules else (404, {"errors": []})
        jsonschema.validate({**body, "rule": {**body["rule"], "uuid": uuid}}, self.automation_schema)
        self.rules[uuid] = {**body["rule"], "uuid": uuid, "updated": 2}
        return 200, None

    # -- helpers ----------------------------------------------------------------------------------------------
    def _create_named(self, items: list[dict[str, Any]], body: dict[str, Any], conflict: int) -> tuple[int, Any]:
        if any(i["name"] == body["name"] for i in items):
            return conflict, {"errorMessages": [f"{body['name']} exists"]}
        items.append({**body, "id": self.new_id()})
        return 201, {"id": items[-1]["id"]}

    @staticmethod
    def _one(items: list[dict[str, Any]], id_: str) -> dict[str, Any]:
        return next(i for i in items if str(i["id"]) == str(id_))

    @staticmethod
    def _by_id(transitions: list[dict[str, Any]], statuses: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Transitions as Jira answers them: status references become the statuses' ids."""
        ids = {s["statusReference"]: s["id"] for s in statuses}
        return [
            {
                **t,
                "toStatusReference": ids[t["toStatusReference"]],
                "links": [{"fromStatusReference": ids[link["fromStatusReference"]]} for link in t["links"]],
            }
            for t in transitions
        ]

    def _priority_scheme(self, scheme: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": scheme["id"],
            "name": scheme["name"],
            "priorities": _page([self._one(self.priorities, p) for p in scheme["priorities"]]),
            "projects": _page([self.project] if self.project["id"] in scheme["projects"] else []),
        }
