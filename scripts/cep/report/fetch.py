"""`cep report --from-jira`: ticket histories pulled from a Jira Cloud site into a local Parquet store, then judged.

The site and credentials come from the environment (JIRA_URL, JIRA_EMAIL, JIRA_API_TOKEN), never from a file,
and are never written anywhere. Pages come from `POST /rest/api/3/search/jql` with `expand: "names,changelog"`,
followed by `nextPageToken`; a changelog longer than the page holds is completed from
`GET /rest/api/3/issue/{key}/changelog`. `429` and `503` are retried after their `Retry-After`. A pull is
incremental: only issues updated since the store's last pull (less a minute, as JQL counts in minutes) are fetched
again, and replace their earlier copies.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..jira.jql import quote
from ..jira.site.client import PAGE_SIZE, Site
from ..problems import UsageError

STORE_FILE = "issues.parquet"
STATE_FILE = "pull.json"


def _complete_changelog(site: Site, issue: dict[str, Any]) -> None:
    changelog = issue.setdefault("changelog", {"histories": []})
    histories = changelog.setdefault("histories", [])
    if changelog.get("total", len(histories)) <= len(histories):
        return
    histories.clear()
    start = 0
    while True:
        page = site.get(f"/rest/api/3/issue/{issue['key']}/changelog", startAt=start, maxResults=PAGE_SIZE)
        values = page.get("values", [])
        histories.extend(values)
        start += len(values)
        if page.get("isLast", True) or not values:
            break
    changelog["total"] = changelog["maxResults"] = len(histories)


def search_pages(site: Site, jql: str) -> Iterator[dict[str, Any]]:
    """Every page of the search, each issue's changelog complete."""
    token = None
    while True:
        body: dict[str, Any] = {"jql": jql, "expand": "names,changelog", "fields": ["*all"], "maxResults": PAGE_SIZE}
        if token:
            body["nextPageToken"] = token
        page = site.post("/rest/api/3/search/jql", body)
        for issue in page.get("issues", []):
            _complete_changelog(site, issue)
        yield page
        token = page.get("nextPageToken")
        if page.get("isLast", not token) or not token:
            return


def jql_for(project: str, since: datetime | None) -> str:
    jql = f"project = {quote(project)}"
    if since is not None:
        jql += f' AND updated >= "{since:%Y-%m-%d %H:%M}"'
    return jql + " ORDER BY updated ASC"


def pull(project: str, since: datetime | None, store: Path) -> Path:
    """Fetch into `store` what changed since its last pull (or since `since`); returns the store's JSON Lines of
    pages for `cep report` to read."""
    import duckdb

    store.mkdir(parents=True, exist_ok=True)
    state_file = store / STATE_FILE
    try:
        state = json.loads(state_file.read_text(encoding="utf-8")) if state_file.exists() else {}
    except (OSError, ValueError) as error:
        raise UsageError(f"{state_file}: error: not a cep store's state: {error}") from None
    if state.get("project") not in (None, project):
        raise UsageError(f"{store}: error: this store holds project {state['project']}, not {project}")
    started = datetime.now(UTC)
    last = datetime.fromisoformat(state["pulled"]) - timedelta(minutes=1) if "pulled" in state else None
    start = max((d for d in (since, last) if d is not None), default=None)
    names: dict[str, str] = dict(state.get("names", {}))
    rows: list[tuple[str, str]] = []
    with Site("cep report") as site:
        for page in search_pages(site, jql_for(project, start)):
            names.update(page.get("names") or {})
            rows += [(issue["key"], json.dumps(issue, ensure_ascii=False, sort_keys=True)) for issue in page["issues"]]
    con = duckdb.connect()
    try:
        con.execute("CREATE TABLE issues (key VARCHAR, issue VARCHAR)")
        if (store / STORE_FILE).exists():
            con.execute("INSERT INTO issues SELECT key, issue FROM read_parquet(?)", [str(store / STORE_FILE)])
        con.execute("CREATE TABLE fresh (key VARCHAR, issue VARCHAR)")
        con.executemany("INSERT INTO fresh VALUES (?, ?)", rows)
        con.execute("DELETE FROM issues WHERE key IN (SELECT key FROM fresh)")
        con.execute("INSERT INTO issues SELECT * FROM fresh")
        staging = store / f".{STORE_FILE}.{os.getpid()}"
        con.execute(
            f"COPY (SELECT * FROM issues ORDER BY key) TO '{str(staging).replace(chr(39), chr(39) * 2)}' "
            "(FORMAT parquet)"
        )
        os.replace(staging, store / STORE_FILE)  # the store is replaced whole, never half-written
        issues = [json.loads(text) for (text,) in con.execute("SELECT issue FROM issues ORDER BY key").fetchall()]
    finally:
        con.close()
    pages, staging = store / "histories.jsonl", store / f".histories.jsonl.{os.getpid()}"
    with staging.open("w", encoding="utf-8") as out:
        for at in range(0, len(issues), PAGE_SIZE):
            out.write(json.dumps({"issues": issues[at : at + PAGE_SIZE], "names": names}, ensure_ascii=False) + "\n")
    os.replace(staging, pages)
    state_file.write_text(
        json.dumps({"project": project, "pulled": started.isoformat(), "names": names}, indent=1), encoding="utf-8"
    )
    return pages
