"""Code mutants no ticket, moment or line of input can tell from the code as written, each with the reason.

A mutant is named by its module, its line as written and its change, not by line number, so an edit to the line
takes it off this list (it is then run and counted again)."""

from __future__ import annotations

from .code import CodeMutant

EQUIVALENT: dict[tuple[str, str, str], str] = {}


def equivalent_reason(mutant: CodeMutant) -> str | None:
    return EQUIVALENT.get((mutant.module, mutant.code, mutant.change))
