"""`cep report --from-jira` against a fake Jira Cloud site that checks every request and answer against
Atlassian's platform spec: pages followed, a long changelog completed, 429 retried, pulls incremental, and no
credential written anywhere."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator

from cep.definition.loader import load_process
from cep.simulate.model import Simulation
from cep.simulate.scenario import load_scenario
from project import PROCESS, ROOT

PLATFORM = json.loads((ROOT / "process" / "schema" / "jira-platform-components.json").read_text(encoding="utf-8"))
TOKEN = "not-a-real-token-7f3a"


def _validate(name: str, instance: Any) -> None:
    OAS30Validator({"$ref": f"#/components/schemas/{name}", **PLATFORM}).validate(instance)


class FakeJira:
    """The two endpoints cep reads, with pages of two issues and one 429 before the first answer."""

    def __init__(self, issues: list[dict[str, Any]], names: dict[str, str]) -> None:
        self.issues, self.names = issues, names
        self.requests: list[tuple[str, str, Any]] = []
        self.refuse_once = True

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        _validate(PLATFORM["requests"]["search"]["schema"], body)
        match = re.search(r'updated >= "([^"]+)"', body["jql"])
        since = datetime.strptime(match[1], "%Y-%m-%d %H:%M").replace(tzinfo=UTC) if match else None
        chosen = [i for i in self.issues if since is None or datetime.fromisoformat(i["fields"]["updated"]) >= since]
        start = int(body.get("nextPageToken") or 0)
        page = [json.loads(json.dumps(i)) for i in chosen[start : start + 2]]
        for issue in page:  # a search page holds at most two changes per issue here: the rest is fetched apart
            changelog = issue["changelog"]
            changelog["histories"], changelog["maxResults"] = changelog["histories"][:2], 2
        answer: dict[str, Any] = {"issues": page, "names": self.names, "isLast": start + 2 >= len(chosen)}
        if not answer["isLast"]:
            answer["nextPageToken"] = str(start + 2)
        _validate(PLATFORM["responses"]["search"]["schema"], answer)
        return answer

    def changelog(self, key: str, start: int, size: int) -> dict[str, Any]:
        histories = next(i for i in self.issues if i["key"] == key)["changelog"]["histories"]
        values = histories[start : start + size]
        return {
            "values": values,
            "startAt": start,
            "maxResults": size,
            "total": len(histories),
            "isLast": start + size >= len(histories),
        }


@pytest.fixture
def site() -> Iterator[tuple[str, FakeJira]]:
    process = load_process(PROCESS)
    sim = Simulation(process, replace(load_scenario(None, process), days=3), 0).run()
    issues = [builder.issue() for builder in sim.issues[:5]]
    for issue in issues:
        issue["fields"]["updated"] = "2026-11-01T10:00:00.000+0000"
    assert max(len(i["changelog"]["histories"]) for i in issues) > 2
    fake = FakeJira(issues, sim.site.names)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            for k, v in {"Content-Type": "application/json", **(headers or {})}.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            expected = "Basic " + base64.b64encode(f"admin@example.com:{TOKEN}".encode()).decode()
            return self.headers.get("Authorization") == expected

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            fake.requests.append(("POST", self.path, body))
            if not self._authorised():
                return self._answer(401, {"errorMessages": ["unauthorised"]})
            if fake.refuse_once:
                fake.refuse_once = False
                return self._answer(429, {"errorMessages": ["slow down"]}, {"Retry-After": "0"})
            self._answer(200, fake.search(body))

        def do_GET(self) -> None:
            fake.requests.append(("GET", self.path, None))
            match = re.fullmatch(r"/rest/api/3/issue/([^/]+)/changelog\?startAt=(\d+)&maxResults=(\d+)", self.path)
            assert match and self._authorised(), self.path
            self._answer(200, fake.changelog(match[1], int(match[2]), int(match[3])))

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", fake
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def _pull(url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JIRA_URL": url, "JIRA_EMAIL": "admin@example.com", "JIRA_API_TOKEN": TOKEN}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "cep",
            "report",
            "--process",
            str(PROCESS),
            "--from-jira",
            "--project",
            "CS",
            "--store",
            "store",
            "--format",
            "jsonl",
            "--at",
            "2027-03-10T00:00:00+02:00",
            *args,
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_pull_follows_pages_completes_changelogs_retries_and_keeps_no_secret(site, tmp_path: Path) -> None:
    url, fake = site
    done = _pull(url, tmp_path)
    assert done.returncode == 0, done.stderr
    verdicts = {v["key"]: v for v in map(json.loads, done.stdout.splitlines())}
    assert sorted(verdicts) == sorted(i["key"] for i in fake.issues)
    searches = [body for method, path, body in fake.requests if method == "POST"]
    assert len(searches) == 4  # refused once, then three pages of two
    assert searches[0]["jql"] == 'project = "CS" ORDER BY updated ASC' and searches[0]["expand"] == "names,changelog"
    assert [s.get("nextPageToken") for s in searches[1:]] == [None, "2", "4"]
    assert any(method == "GET" for method, _, _ in fake.requests)  # long changelogs completed
    for issue in fake.issues:  # every change read: the tiers visited are the whole story
        tiers = [
            i["items"][0]["toString"] for i in issue["changelog"]["histories"] if i["items"][0]["field"] == "CEP tier"
        ]
        assert verdicts[issue["key"]]["tiers"][1:] == [t for n, t in enumerate(tiers) if n == 0 or tiers[n - 1] != t]
    for path in (tmp_path / "store").rglob("*"):
        assert TOKEN.encode() not in path.read_bytes() and b"admin@example.com" not in path.read_bytes(), path


def test_a_second_pull_fetches_only_what_changed(site, tmp_path: Path) -> None:
    url, fake = site
    assert _pull(url, tmp_path).returncode == 0
    fake.requests.clear()
    changed = fake.issues[1]
    changed["fields"]["updated"] = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    changed["fields"]["priority"] = {"name": "P1"}
    done = _pull(url, tmp_path)
    assert done.returncode == 0, done.stderr
    searches = [body for method, _, body in fake.requests if method == "POST"]
    assert 'AND updated >= "' in searches[0]["jql"]
    assert len(searches) == 1 and len(fake.search(searches[0])["issues"]) == 1  # only the changed issue came back
    verdicts = {v["key"]: v for v in map(json.loads, done.stdout.splitlines())}
    assert len(verdicts) == len(fake.issues)  # the store still holds the others


def test_without_credentials_it_says_which_are_missing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIRA_")}
    done = subprocess.run(
        [sys.executable, "-m", "cep", "report", "--process", str(PROCESS), "--from-jira", "--project", "CS"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "JIRA_URL, JIRA_EMAIL, JIRA_API_TOKEN" in done.stderr
    assert "Traceback" not in done.stderr
