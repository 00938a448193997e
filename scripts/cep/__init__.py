"""cep — the customer escalation process as code: one YAML definition, loaded once, used by every tool."""

from __future__ import annotations

from .problems import InvalidProcess, Location, Problem

__version__ = "0.1.0"
__all__ = ["InvalidProcess", "Location", "Problem", "__version__"]
