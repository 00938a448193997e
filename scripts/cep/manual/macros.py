"""mkdocs-macros entry point: every fact on a page comes from these macros, over the process the plugin loaded."""

from __future__ import annotations

import inspect
from typing import Any

from ..check import run_check
from ..features import read_results
from ..output import build_year
from . import jira_page, pages
from .changelog import changelog
from .health import process_health
from .plugin import JIRA_BUNDLE, ManualPlugin
from .reference import Manual
from .scenarios import verified_behaviour


def define_env(env: Any) -> None:
    plugin = env.conf["plugins"]["cep"]
    if not isinstance(plugin, ManualPlugin):  # pragma: no cover - a configuration mistake
        raise TypeError("the cep plugin must be listed before macros in mkdocs.yml")
    manual = Manual(plugin.process, build_year(), lambda: env.page.file.src_uri, plugin.svg)
    for name, _ in inspect.getmembers(Manual, inspect.isfunction):
        if not name.startswith("_"):  # every public method of Manual is a macro
            env.macro(getattr(manual, name), name)
    meta = plugin.process.meta
    env.variables["process_name"] = meta.name
    env.variables["process_version"] = meta.version

    @env.macro
    def jira_download() -> str:
        link = pages.relative(env.page.file.src_uri, JIRA_BUNDLE)
        return f"[Download the Jira bundle (JSON)]({link})"

    env.macro(lambda: jira_page.sections(plugin.bundle), "jira_sections")
    env.macro(lambda: jira_page.values(plugin.bundle), "jira_values")
    env.macro(lambda: jira_page.service_management(plugin.bundle), "jira_service_management")

    @env.macro
    def scenarios() -> str:
        return verified_behaviour(plugin.features, read_results(plugin.root / plugin.config.report))

    @env.macro
    def process_changelog() -> str:
        return changelog(plugin.root / plugin.config.process, plugin.root / plugin.config.schema, plugin.process)

    @env.macro
    def health() -> str:
        return process_health(plugin.process, run_check(plugin.process, plugin.features), manual)
