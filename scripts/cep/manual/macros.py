"""mkdocs-macros entry point: every fact on a page comes from these macros, over the process the plugin loaded."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2.exceptions import UndefinedError
from mkdocs_macros.errors import format_error

from ..analysis.check import run_check
from ..definition.model import UnknownName
from ..output import build_year
from ..spec.gherkin import read_results
from . import jira_page, pages
from .changelog import changelog
from .health import process_health
from .plugin import JIRA_BUNDLE, ManualPlugin
from .reference import TIE_BREAKER, Manual
from .scenarios import verified_behaviour
from .text import esc
from .triage import triage_page

# The manual's macros, by the room of the manual they serve; each is a method of `Manual` of the same name.
MACROS: dict[str, tuple[str, ...]] = {
    "home": ("role_entry_points", "diagram"),
    "tiers and roles": (
        "tier_table",
        "tier_sections",
        "role_sections",
        "responsibility_matrix",
        "responsibility_steps",
        "tier",
        "role",
    ),
    "prioritisation": ("levels", "priority_matrix", "floors", "priority_badge"),
    "quick card": ("quick_card",),
    "time goals": (
        "time_goal_table",
        "clocks_heading",
        "clocks",
        "calendar_sections",
        "holidays",
        "worked_examples",
        "calendar_link",
        "around_the_clock",
    ),
    "triggers": ("trigger_table", "trigger_sections", "announcements", "trigger_link", "condition"),
    "hand-overs": ("handovers", "fix_window_examples"),
    "breaches": ("breach_rules",),
    "templates": ("templates", "template_section", "template_link"),
    "communication": ("communication", "channel_table", "channel_sections", "cadence_table", "channel", "channels"),
    "feedback and metrics": ("feedback", "metrics"),
    "glossary": ("glossary",),
    "admin": ("slack_channels",),
    "playbooks": ("playbook",),
    "any page": ("link",),
}


def _naming_pages(macro: Callable[..., str], plugin: ManualPlugin, here: Callable[[], str]) -> Callable[..., str]:
    """A macro that, called with a name the process does not define, reports it against the page (the plugin
    fails the build with it) instead of raising into mkdocs-macros, which would print a traceback."""

    @functools.wraps(macro)
    def call(*args: Any, **kwargs: Any) -> str:
        try:
            return macro(*args, **kwargs)
        except UnknownName as unknown:
            plugin.page_problems.append(f"{here()}: error: {unknown}")
            return ""

    return call


def _frames(tb: TracebackType | None) -> Iterator[TracebackType]:
    while tb is not None:
        yield tb
        tb = tb.tb_next


def define_env(env: Any) -> None:
    plugin = env.conf["plugins"]["cep"]
    if not isinstance(plugin, ManualPlugin):  # pragma: no cover - a configuration mistake
        raise TypeError("the cep plugin must be listed before macros in mkdocs.yml")
    manual = Manual(plugin.process, build_year(), lambda: env.page.file.src_uri, plugin.svg)

    def where(file: Any) -> Path:  # a page's source, from the project root when it is the project's own
        source = Path(file.abs_src_path or Path(env.conf["docs_dir"]) / file.src_uri)  # generated pages have none
        return source.relative_to(plugin.root) if source.is_relative_to(plugin.root) else source

    def page_file() -> str:
        return str(where(env.page.file))

    @format_error.register
    def _undefined(error: UndefinedError, markdown: str, page: Any) -> str:
        # A page calling a macro that does not exist: say where, and what exists, without a traceback.
        lines = [tb.tb_lineno for tb in _frames(error.__traceback__) if tb.tb_frame.f_code.co_filename == "<template>"]
        at = f"{where(page.file)}" + (f":{lines[-1]}" if lines else "")
        return f"{at}: error: {error.message}; the manual's macros: {', '.join(sorted(env.macros))}"

    for names in MACROS.values():
        for name in names:
            env.macro(_naming_pages(getattr(manual, name), plugin, page_file), name)
    meta = plugin.process.meta
    env.variables["process_name"] = esc(meta.name)  # variables are placed in Markdown as they are: escaped here
    env.variables["process_version"] = esc(meta.version)
    env.variables["returned_status"] = esc(plugin.process.jira.returned)
    env.variables["tie_breaker"] = TIE_BREAKER
    env.variables["triage_tier"] = esc(plugin.process.tier(plugin.process.default_route.tier).short_name)

    @env.macro
    def jira_download() -> str:
        link = pages.relative(env.page.file.src_uri, JIRA_BUNDLE)
        return f"[Download the Jira bundle (JSON)]({link})"

    env.macro(lambda: jira_page.sections(plugin.bundle), "jira_sections")
    env.macro(lambda: jira_page.values(plugin.bundle), "jira_values")
    env.macro(lambda: jira_page.service_management(plugin.bundle), "jira_service_management")

    @env.macro
    def jira_plan() -> str:
        customer_types = sum(1 for t in plugin.process.jira.issue_types if not t.template)
        return jira_page.plan(plugin.bundle, customer_types, len(plugin.process.clocks))

    @env.macro
    def jira_by_hand() -> str:
        from ..jira.site.command import by_hand

        return jira_page.by_hand(by_hand(plugin.process, plugin.bundle, "your project", {}))

    @env.macro
    def scenarios() -> str:
        return verified_behaviour(plugin.features, read_results(plugin.root / plugin.config.report))

    @env.macro
    def process_changelog() -> str:
        return changelog(plugin.root / plugin.config.process, plugin.schema, plugin.process)

    env.macro(lambda: triage_page(plugin.process, build_year()), "right_now")
    env.macro(lambda: plugin.figures("performance").markdown, "performance")
    env.macro(lambda: plugin.figures("capacity").markdown, "capacity")

    @env.macro
    def health() -> str:
        return process_health(plugin.process, run_check(plugin.process, plugin.features), manual)
