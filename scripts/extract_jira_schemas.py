"""Extract, from Atlassian's published Jira Cloud platform OpenAPI spec, the component schemas that the Jira bundle's
request bodies and the issue search pages `cep report` reads must match, into
process/schema/jira-platform-components.json (run by hand when the spec changes):

    python scripts/extract_jira_schemas.py PATH/TO/jira-platform-openapi.json

The spec is Atlassian's, licensed Apache-2.0; see process/schema/jira-platform-components.NOTICE.md.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

# Request body schema of each endpoint the bundle targets.
ENDPOINTS = {
    ("/rest/api/3/priority", "post"): "priorities",
    ("/rest/api/3/issuetype", "post"): "issueTypes",
    ("/rest/api/3/field", "post"): "fields.field",
    ("/rest/api/3/field/{fieldId}/context/{contextId}/project", "put"): "fields.context",
    ("/rest/api/3/field/{fieldId}/context/{contextId}/option", "post"): "fields.options",
    ("/rest/api/3/statuses", "post"): "statuses",
    ("/rest/api/3/workflows/create", "post"): "workflows",
    ("/rest/api/3/filter", "post"): "filters",
}
# Response body schema of each endpoint cep reads from (`cep report` reads issue search pages with changelogs).
RESPONSES = {("/rest/api/3/search/jql", "post"): "search"}
OUT = Path(__file__).resolve().parent.parent / "process" / "schema" / "jira-platform-components.json"


def _refs(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[-1]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def main(spec_path: Path) -> None:
    raw = spec_path.read_bytes()
    spec = json.loads(raw)
    schemas = spec["components"]["schemas"]
    requests = {}
    for (path, method), section in ENDPOINTS.items():
        body = spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
        requests[section] = {"method": method.upper(), "path": path, "schema": body["$ref"].rsplit("/", 1)[-1]}
    requests["search"] = {
        "method": "POST",
        "path": "/rest/api/3/search/jql",
        "schema": spec["paths"]["/rest/api/3/search/jql"]["post"]["requestBody"]["content"]["application/json"][
            "schema"
        ]["$ref"].rsplit("/", 1)[-1],
    }
    responses = {}
    for (path, method), section in RESPONSES.items():
        body = spec["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
        responses[section] = {"method": method.upper(), "path": path, "schema": body["$ref"].rsplit("/", 1)[-1]}
    wanted, todo = set(), [r["schema"] for r in (*requests.values(), *responses.values())]
    while todo:
        name = todo.pop()
        if name not in wanted:
            wanted.add(name)
            todo.extend(_refs(schemas[name]))
    document = {
        "x-source": {
            "title": spec["info"]["title"],
            "version": spec["info"]["version"],
            "url": "https://developer.atlassian.com/cloud/jira/platform/swagger-v3.v3.json",
            "sha256": hashlib.sha256(raw).hexdigest(),
            "license": spec["info"].get("license"),
            "extracted_by": "scripts/extract_jira_schemas.py",
        },
        "requests": requests,
        "responses": responses,
        "components": {"schemas": {name: schemas[name] for name in sorted(wanted)}},
    }
    OUT.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(wanted)} schemas for {len(requests)} request and {len(responses)} response bodies")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
