"""mkdocs-macros entry point: every fact on a page comes from these macros, over the process the plugin loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..features import read_features, read_results
from .plugin import ManualPlugin, build_year
from .reference import Manual
from .scenarios import verified_behaviour

_MACROS = (
    "role_entry_points",
    "tier_table",
    "tier_sections",
    "role_sections",
    "responsibility_matrix",
    "levels",
    "priority_badge",
    "priority_matrix",
    "floors",
    "time_goal_table",
    "clocks",
    "calendar_sections",
    "holidays",
    "worked_examples",
    "trigger_table",
    "trigger_sections",
    "announcements",
    "handovers",
    "fix_window_examples",
    "breach_rules",
    "templates",
    "channel_table",
    "channel_sections",
    "cadence_table",
    "communication",
    "feedback",
    "metrics",
    "glossary",
    "slack_channels",
    "playbook",
    "tier",
    "role",
    "channel",
    "trigger_link",
    "template_link",
)


def define_env(env: Any) -> None:
    plugin = env.conf["plugins"]["cep"]
    if not isinstance(plugin, ManualPlugin):  # pragma: no cover - a configuration mistake
        raise TypeError("the cep plugin must be listed before macros in mkdocs.yml")
    manual = Manual(plugin.process, build_year(), lambda: env.page.file.src_uri)
    for name in _MACROS:
        env.macro(getattr(manual, name), name)
    meta = plugin.process.meta
    env.variables["process_name"] = meta.name
    env.variables["process_version"] = meta.version

    @env.macro
    def scenarios() -> str:
        root: Path = plugin.root
        features = read_features(root / plugin.config.features)
        return verified_behaviour(features, read_results(root / plugin.config.report))
