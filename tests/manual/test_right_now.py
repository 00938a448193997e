"""The Right now page answers in the browser exactly as `cep route` does: every kind of ticket, reported on a
weekday, at night, at a weekend, the evening before a public holiday, and across a clock change in a zone with
daylight saving; without JavaScript it shows the whole decision table."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from itertools import product
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from cep.definition.loader import load_process
from cep.routing.router import Router
from cep.routing.tickets import Ticket
from project import ROOT, build_manual, copy_project

SCREENSHOTS = ROOT / "reports" / "screenshots"

CHROMIUM = "/usr/bin/chromium"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def berlin(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The default process moved to a zone whose clocks change, and its manual."""
    project = copy_project(tmp_path_factory.mktemp("berlin"))
    definition = project / "process" / "escalation.yaml"
    definition.write_text(definition.read_text(encoding="utf-8").replace("Africa/Johannesburg", "Europe/Berlin"))
    site = tmp_path_factory.mktemp("berlin-site") / "site"
    done = build_manual(project, site)
    assert done.returncode == 0, done.stderr
    return definition, site


def _serve(site: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/right-now/"


def _compare(browser: Browser, site: Path, definition: Path, moments: list[str]) -> int:
    process = load_process(definition)
    router, zone = Router(process), ZoneInfo(process.calendars[0].time_zone)
    kinds = list(product(process.categories, process.urgency, process.impact, (False, True)))
    cases = [
        ("|".join((c.id, u.id, i.id, "yes" if r else "no")), moment) for (c, u, i, r), moment in product(kinds, moments)
    ]
    server, url = _serve(site)
    page = browser.new_page()
    try:
        page.goto(url)
        expect(page.locator("#cep-answer h2")).to_be_visible()
        answers = page.evaluate("cases => cases.map(([key, local]) => window.cepTriage(key, local))", cases)
    finally:
        page.close()
        server.shutdown()
        server.server_close()
    names = {key: clock.name for key, clock in process.clocks.items()}
    for ((category, urgency, impact, reproduced), moment), got in zip(product(kinds, moments), answers, strict=True):
        created = datetime.fromisoformat(moment).replace(tzinfo=zone)
        ticket = Ticket("t", category.id, urgency.id, impact.id, created, reproduced, process.default_route.tier)
        decision = router.route(ticket)
        expected = {
            names[key]: due.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            for key, due in decision.due.items()
        }
        assert got["priority"] == decision.priority, (ticket, got)
        assert got["route"] == process.tier(decision.route).short_name
        assert got["channels"] == list(decision.notify)
        assert {d["name"]: d["due"] for d in got["deadlines"]} == expected, (ticket, got)
    return len(cases)


def test_the_page_agrees_with_cep_route_for_every_kind_of_ticket(browser: Browser, site: Path) -> None:
    moments = ["2027-03-02T10:00", "2027-03-02T23:30", "2027-03-06T14:00", "2026-12-15T16:30", "2027-03-05T16:45"]
    from project import PROCESS

    assert _compare(browser, site, PROCESS, moments) == 224 * 5


def test_it_agrees_across_a_clock_change(browser: Browser, berlin: tuple[Path, Path]) -> None:
    definition, site = berlin
    moments = ["2027-03-26T16:00", "2027-03-27T23:30", "2027-03-28T01:30", "2026-10-24T23:45", "2026-10-23T15:00"]
    assert _compare(browser, site, definition, moments) == 224 * 5


def test_the_form_answers_in_one_screen_and_the_table_works_without_javascript(browser: Browser, site: Path) -> None:
    server, url = _serve(site)
    try:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(url)
        page.select_option("#cep-category", "outage")
        page.select_option("#cep-urgency", "critical")
        page.select_option("#cep-impact", "platform")
        page.fill("#cep-when", "2027-03-06T02:00")  # Saturday, two in the morning
        answer = page.locator("#cep-answer")
        expect(answer.locator("h2")).to_have_text("Priority P1: it goes to Project Manager")
        expect(answer).to_contain_text("#cep-incidents")
        expect(answer).to_contain_text("First response: by Sat 2027-03-06 03:00")
        # the verdict, the channels and every deadline are on the phone's first screen
        for shown in (answer.locator("h2"), answer.get_by_text(re.compile("^Post in: ")), answer.locator("li").last):
            box = shown.bounding_box()
            assert box is not None and box["y"] + box["height"] <= 844, shown
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "right-now-phone.png"))  # the one screen an agent sees
        page.close()
        bare = browser.new_page(java_script_enabled=False)
        bare.goto(url)
        expect(bare.locator("#cep-triage")).to_be_hidden()
        bare.locator("details.cep-decisions summary").click()
        expect(bare.locator("details.cep-decisions tbody tr")).to_have_count(224)
        bare.close()
    finally:
        server.shutdown()
        server.server_close()
