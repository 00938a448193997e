"""The Jira configuration bundle: request bodies for Jira's REST APIs, generated from the process model."""

from __future__ import annotations

from .bundle import is_bundle, jira_bundle

__all__ = ["is_bundle", "jira_bundle"]
