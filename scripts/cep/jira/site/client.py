"""One Jira Cloud site over HTTPS: credentials from the environment, timeouts, retries that honour `429` and
`Retry-After`, and the ways Jira pages its answers. Credentials are never written to a file or a message."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ...problems import UsageError

ENVIRONMENT = ("JIRA_URL", "JIRA_EMAIL", "JIRA_API_TOKEN")
RETRIES = 5
PAGE_SIZE = 100


class JiraError(UsageError):
    """The site refused or failed a request; the message says which and why, without credentials."""


class Site:
    """Requests to one site, counted: `writes` is how many requests changed something."""

    def __init__(
        self,
        command: str,
        *,
        environ: Mapping[str, str] = os.environ,
        transport: Any = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import httpx  # only the commands that reach a site need it

        missing = [name for name in ENVIRONMENT if not environ.get(name)]
        if missing:
            raise UsageError(f"{command}: error: set {', '.join(missing)} in the environment")
        self.command = command
        self.url = environ["JIRA_URL"].rstrip("/")
        self.writes = 0
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=self.url,
            auth=(environ["JIRA_EMAIL"], environ["JIRA_API_TOKEN"]),
            timeout=httpx.Timeout(30.0, connect=10.0),
            headers={"Accept": "application/json"},
            transport=transport,
        )

    def __enter__(self) -> Site:
        return self

    def __exit__(self, *_: object) -> None:
        self._http.close()

    def request(self, method: str, path: str, *, missing_ok: bool = False, **kwargs: Any) -> Any:
        """The answer's JSON (None for an empty answer, or for 404 when `missing_ok`)."""
        import httpx

        for attempt in range(RETRIES + 1):
            try:
                response = self._http.request(method, path, **kwargs)
            except httpx.HTTPError as error:
                raise JiraError(f"{self.command}: error: {method} {path}: {error.__class__.__name__}") from None
            if response.status_code in (429, 503) and attempt < RETRIES:
                wait = response.headers.get("Retry-After", "")
                self._sleep(float(wait) if wait.replace(".", "", 1).isdigit() else 2.0**attempt)  # as the site asks
                continue
            if response.status_code == 404 and missing_ok:
                return None
            if response.status_code >= 400:
                raise JiraError(
                    f"{self.command}: error: {method} {path}: HTTP {response.status_code} {response.text[:300]}"
                )
            if method != "GET":
                self.writes += not path.endswith(("/validation", "/parse", "/search", "/summary"))
            return response.json() if response.content else None
        raise JiraError(f"{self.command}: error: {method} {path}: still refused after {RETRIES} retries")

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params or None)

    def post(self, path: str, body: Any, **params: Any) -> Any:
        return self.request("POST", path, json=body, params=params or None)

    def put(self, path: str, body: Any, **params: Any) -> Any:
        return self.request("PUT", path, json=body, params=params or None)

    def pages(self, path: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every value of a platform answer, paged by `startAt` / `isLast`."""
        return self._paged(path, params, ("startAt", "maxResults", "isLast"))

    def desk_pages(self, path: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every value of a Service Management answer, paged by `start` / `isLastPage`."""
        return self._paged(path, params, ("start", "limit", "isLastPage"))

    def _paged(self, path: str, params: dict[str, Any], keys: tuple[str, str, str]) -> Iterator[dict[str, Any]]:
        start_key, size_key, last_key = keys
        start = 0
        while True:
            page = self.get(path, **params, **{start_key: start, size_key: PAGE_SIZE})
            values = page.get("values", [])
            yield from values
            start += len(values)
            if page.get(last_key, True) or not values:
                return
