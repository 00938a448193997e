"""Where each fact lives in the manual: page paths and anchors, and relative links between pages."""

from __future__ import annotations

import posixpath

from .text import slug

TIERS_AND_ROLES = "reference/tiers-and-roles.md"
PRIORITISATION = "reference/prioritisation.md"
TIME_GOALS = "reference/time-goals.md"
TRIGGERS = "reference/triggers.md"
HANDOVERS = "reference/handovers.md"
BREACHES = "reference/breaches.md"
TEMPLATES = "reference/templates.md"
COMMUNICATION = "reference/communication.md"
FEEDBACK = "reference/feedback.md"
METRICS = "reference/metrics.md"
GLOSSARY = "reference/glossary.md"
SLACK = "admin/slack.md"
VERIFIED = "verified.md"
RIGHT_NOW = "right-now.md"


def playbook(role: str) -> str:
    return f"playbooks/{role}.md"


def anchor(kind: str, ident: str) -> str:
    return f"{kind}-{slug(ident)}"


def relative(here: str, target: str, fragment: str = "") -> str:
    """A link from page `here` to page `target` (both relative to docs/), with an optional #fragment."""
    path = posixpath.relpath(target, posixpath.dirname(here) or ".") if target != here else ""
    return f"{path}#{fragment}" if fragment else path
