"""Binds every feature under features/ to the step vocabulary in conftest.py."""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios(".")
