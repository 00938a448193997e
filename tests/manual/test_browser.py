"""The manual in a real browser: Playwright driving Debian's Chromium against the built site on loopback."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from cep.definition.model import Process
from project import ROOT

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = ROOT / "reports" / "screenshots"


def heading(text: str) -> re.Pattern[str]:
    """A page title as shown: the text, then the permalink sign."""
    return re.compile(rf"^{re.escape(text)}\W*$")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


def test_home_page_renders_with_an_entry_point_per_role(page: Page, base_url: str, process: Process) -> None:
    page.goto(base_url + "/")
    expect(page.locator("h1")).to_have_text(heading(process.meta.name))
    for role in process.roles:
        expect(page.get_by_text(f"I am a {role.name.lower()}")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=True)


def test_navigation_reaches_every_playbook(page: Page, base_url: str, process: Process) -> None:
    page.goto(base_url + "/")
    for role in process.roles:
        page.get_by_role("link", name="Playbooks", exact=True).first.click()
        page.locator(".md-nav--primary").get_by_role("link", name=f"{role.name} playbook").first.click()
        expect(page.locator("h1")).to_have_text(heading(f"{role.name} playbook"))
        assert page.url.endswith(f"/playbooks/{role.id}/")
    page.screenshot(path=str(SCREENSHOTS / "playbook.png"), full_page=True)


@pytest.mark.parametrize(
    ("query", "expected_page"),
    [
        ("SLA", "/reference/time-goals/"),  # the readers' word for time goals
        ("severity", "/reference/prioritisation/"),  # and for priority
        ("on-call", "/reference/time-goals/"),
        ("urgent", "/reference/prioritisation/"),
        ("P1", "/reference/time-goals/"),
        ("first response", "/reference/time-goals/"),
        ("holiday", "/reference/time-goals/"),
        ("bug", "/reference/triggers/"),
        ("outage", "/reference/triggers/"),
        ("escalation", "/reference/triggers/"),
        ("Wednesday", "/reference/handovers/"),  # the fix window, asked for by its day
        ("#cep-incidents", "/reference/communication/"),
        ("breach", "/reference/breaches/"),
        ("template", "/reference/templates/"),
        ("Jira", "/admin/jira/"),
    ],
)
def test_search_puts_the_right_page_first(page: Page, base_url: str, query: str, expected_page: str) -> None:
    page.goto(base_url + "/")
    page.locator("input.md-search__input").click()
    # The index loads in a web worker; typing before it is ready would query nothing.
    expect(page.locator(".md-search-result__meta")).to_have_text(re.compile("Type to start searching"), timeout=30_000)
    page.locator("input.md-search__input").press_sequentially(query)
    # Results are redrawn after every key: wait until the first one is the page wanted, or fail at the timeout.
    first = page.locator(".md-search-result__item > .md-search-result__link").first
    expect(first).to_have_attribute("href", re.compile(re.escape(expected_page)), timeout=15_000)
    # The scenarios page is left out of search: its wording crowded out the reference pages.
    expect(page.locator('.md-search-result__link[href*="/verified/"]')).to_have_count(0)


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_every_page_passes_axe_in_both_palettes(page: Page, base_url: str, site: Path, scheme: str) -> None:
    """axe-core finds no critical or serious violation on any page, in the light and the dark palette."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = []
    pages = sorted(str(p.parent.relative_to(site)) for p in site.rglob("index.html"))
    assert len(pages) > 25
    for path in pages:
        page.goto(f"{base_url}/{'' if path == '.' else path + '/'}")
        # no transitions, so that colours are measured as they end up, not half-way through a fade
        page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
        page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in ("critical", "serious"):
                found.append(f"{path}: {violation['id']} ({len(violation['nodes'])}): {violation['nodes'][0]['html']}")
    assert found == [], "\n".join(found)


def test_every_page_fits_a_phone_without_breaking_an_identifier(browser: Browser, base_url: str, site: Path) -> None:
    """On a 390-px phone no page scrolls sideways (a wide table scrolls in its own box), and no identifier shown
    as code (a channel, an id, a command) is split over two lines."""
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    found = []
    try:
        for path in sorted(str(p.parent.relative_to(site)) for p in site.rglob("index.html")):
            if path == "print_page":  # the whole manual on one page, for paper
                continue
            phone.goto(f"{base_url}/{'' if path == '.' else path + '/'}")
            if phone.evaluate("document.documentElement.scrollWidth") > 390:
                found.append(f"{path}: scrolls sideways")
            split = phone.evaluate(
                """() => [...document.querySelectorAll('.md-content code')]
                  .filter(c => !c.closest('pre') && !/\\s/.test(c.textContent) && c.getClientRects().length > 1)
                  .map(c => c.textContent)"""
            )
            found += [f"{path}: {text} is split" for text in split]
    finally:
        phone.close()
    assert found == [], "\n".join(found)


def test_dark_mode_toggle(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    body = page.locator("body")
    before = body.get_attribute("data-md-color-scheme")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    expect(body).not_to_have_attribute("data-md-color-scheme", before or "")
    assert {before, body.get_attribute("data-md-color-scheme")} == {"default", "slate"}


def test_the_manual_shows_the_four_diagrams(page: Page, base_url: str) -> None:
    page.goto(base_url + "/reference/diagrams/")
    diagrams = page.locator("svg.cep-diagram")
    expect(diagrams).to_have_count(4)
    for i in range(4):
        expect(diagrams.nth(i)).to_be_visible()
    titles = [diagrams.nth(i).locator("title").first.text_content() for i in range(4)]
    assert titles == ["Escalation flow", "Service blueprint", "Communication map", "Priority matrix"]
    page.locator("svg.cep-diagram g.node a").first.click()
    expect(page).to_have_url(re.compile(r"/reference/tiers-and-roles/#tier-"))


# Each diagram as it is drawn on the page: its title, its drawn width, its width on the screen, its box's width, and
# the size on the screen of its smallest text.
SIZES = """() => [...document.querySelectorAll('svg.cep-diagram')].map(svg => {
  const scale = svg.getBoundingClientRect().width / (svg.viewBox.baseVal.width * 4 / 3);
  const smallest = Math.min(...[...svg.querySelectorAll('text')].map(t => Number(t.getAttribute('font-size'))));
  return {title: svg.querySelector('title').textContent, width: svg.getBoundingClientRect().width,
          box: svg.parentElement.clientWidth, text: smallest * 4 / 3 * scale};
})"""
LEGIBLE = 9  # CSS pixels: the smallest text a reader can still make out


@pytest.mark.parametrize("width", [1280, 390])
def test_diagrams_are_legible_where_they_appear(browser: Browser, base_url: str, width: int) -> None:
    """Every diagram's smallest text is legible in the column; one wider than its box scrolls in the box, never the
    page; the home page's picture fits whole, even on a phone; the four on the diagrams page fit at 1280 px."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        for path in ("/", "/reference/diagrams/"):
            page.goto(base_url + path)
            drawn = page.evaluate(SIZES)
            assert drawn, path
            for diagram in drawn:
                assert diagram["text"] >= LEGIBLE, (width, path, diagram)
                if path == "/" or width == 1280:
                    assert diagram["width"] <= diagram["box"] + 1, (width, path, diagram)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        assert [d["title"] for d in drawn] == [
            "Escalation flow",
            "Service blueprint",
            "Communication map",
            "Priority matrix",
        ]
    finally:
        page.close()


def test_a_diagram_zooms_fits_and_pans(browser: Browser, base_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(base_url + "/reference/diagrams/")
        flow = page.locator(".cep-diagram-wrap").first
        svg = flow.locator("svg")
        start = svg.bounding_box()["width"]
        page.get_by_role("button", name="Zoom in").first.click()
        expect(svg).to_have_js_property("clientWidth", round(start * 1.25))
        page.get_by_role("button", name="Fit to the page").first.click()
        expect(svg).to_have_js_property("clientWidth", round(start))
        box = flow.bounding_box()
        # drag the diagram to the left with the mouse, from a point with no link under it
        page.mouse.move(box["x"] + box["width"] - 10, box["y"] + 10)
        page.mouse.down()
        page.mouse.move(box["x"] + 10, box["y"] + 10, steps=5)
        page.mouse.up()
        assert flow.evaluate("wrap => wrap.scrollLeft") > 0
    finally:
        page.close()


def test_process_health_and_changelog_pages_render(page: Page, base_url: str, process: Process) -> None:
    page.goto(base_url + "/health/")
    expect(page.locator(".admonition.success")).to_contain_text("Sound: no errors, no warnings")
    expect(page.locator("table", has_text="Kinds of ticket it decides")).to_contain_text(process.triggers[0].name)
    page.goto(base_url + "/changelog/")
    expect(page.locator("h2").first).to_contain_text(f"Version {process.meta.version}")


@pytest.mark.parametrize("path", ["/performance/", "/capacity/"])
def test_charts_fit_a_phone_and_say_what_they_show(browser: Browser, base_url: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(base_url + path)
        charts = page.locator("img.cep-chart")
        expect(charts.first).to_be_visible()
        for index in range(charts.count()):
            chart = charts.nth(index)
            assert chart.get_attribute("alt")  # what the chart shows, for screen readers
            box = chart.bounding_box()
            assert box is not None and box["width"] <= 390 and box["height"] > 100
            assert chart.evaluate("image => image.complete && image.naturalWidth > 0")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll for the page
        page.screenshot(path=str(SCREENSHOTS / f"phone-{path.strip('/')}.png"), full_page=True)
    finally:
        context.close()


def test_the_lived_path_stands_beside_the_documented_flow(browser: Browser, base_url: str) -> None:
    """Side by side on a wide screen, one above the other on a phone."""
    for width, beside in ((1280, True), (390, False)):
        page = browser.new_page(viewport={"width": width, "height": 900})
        try:
            page.goto(base_url + "/performance/")
            figures = page.locator(".cep-beside figure")
            expect(figures.nth(1)).to_be_visible()
            documented, lived = figures.nth(0).bounding_box(), figures.nth(1).bounding_box()
            assert documented is not None and lived is not None
            assert "documented" in figures.nth(0).inner_text() and "lived" in figures.nth(1).inner_text()
            if beside:
                assert documented["y"] == lived["y"] and documented["x"] + documented["width"] <= lived["x"]
            else:
                assert documented["y"] + documented["height"] <= lived["y"]
        finally:
            page.close()


def test_the_quick_card_prints_on_one_a4_page_and_fits_a_phone(browser: Browser, base_url: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(base_url + "/card/")
        expect(page.locator(".cep-card table.cep-matrix")).to_be_visible()
        pdf = page.pdf(format="A4", print_background=True)
        (SCREENSHOTS / "quick-card.pdf").write_bytes(pdf)
        assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
    finally:
        page.close()
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        phone.goto(base_url + "/card/")
        expect(phone.locator(".cep-card")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.screenshot(path=str(SCREENSHOTS / "quick-card-phone.png"), full_page=True)
        phone.goto(base_url + "/reference/prioritisation/")  # the matrix scrolls in its box, not the page
        expect(phone.locator("table.cep-matrix")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        phone.close()
