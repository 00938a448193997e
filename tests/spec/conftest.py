"""The step vocabulary lives in the cep package (`cep.spec.steps`), so that `cep spec` can run any repository's
features; here it binds this project's features/ (see test_features.py)."""

from __future__ import annotations

from cep.spec.steps import *  # noqa: F403 - its fixtures and step definitions
