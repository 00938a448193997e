"""Where the project's files are, for tests that need paths."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROCESS = ROOT / "process" / "escalation.yaml"
SCHEMA = ROOT / "process" / "schema" / "process.schema.json"
DATA = Path(__file__).resolve().parent / "data"
