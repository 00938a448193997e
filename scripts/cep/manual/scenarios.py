"""The "Verified behaviour" page: every Gherkin scenario, readable, grouped by feature, with its latest result."""

from __future__ import annotations

import re

from ..spec.gherkin import Feature
from .text import esc, table

_BADGES = {"passed": "✅ passed", "failed": "❌ failed", None: "⚪ not run"}


def _block(text: str | None) -> str:
    """A step's text block, as a code block inside the scenario's box (a fence longer than any run of backticks
    in it, so nothing in it can close the block)."""
    if text is None:
        return ""
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
    return f"\n    {fence}\n" + "".join(f"    {line}\n" for line in text.splitlines()) + f"    {fence}\n\n"


def verified_behaviour(features: list[Feature], results: dict[tuple[str, str], str]) -> str:
    if not results:
        note = "No test report was found when the manual was built: every scenario shows as not run.\n\n"
    else:
        passed = sum(1 for r in results.values() if r == "passed")
        note = f"Results of the latest test run: {passed} of {len(results)} scenarios passed.\n\n"
    out = [note]
    for feature in features:
        out.append(f"## {esc(feature.name)}\n\n{esc(' '.join(feature.description.split()))}\n\n")
        if feature.background:
            out.append(
                "*For every scenario below:* "
                + " ".join(f"**{esc(s.keyword)}** {esc(s.text)}" for s in feature.background)
                + "\n\n"
            )
        for scenario in feature.scenarios:
            status = _BADGES[results.get((feature.name, scenario.name))]
            steps = "".join(f"    **{esc(s.keyword)}** {esc(s.text)}  \n" + _block(s.docstring) for s in scenario.steps)
            out.append(
                f"??? {'success' if 'passed' in status else 'failure' if 'failed' in status else 'note'} "
                f'"{status} — {esc(scenario.name.replace(chr(34), chr(39)))}"\n\n{steps}\n'
            )
            if scenario.examples:
                header, *rows = scenario.examples
                examples = table([esc(h) for h in header], [[esc(c) for c in row] for row in rows])
                out.append("    *Examples:*\n\n" + "".join(f"    {line}\n" for line in examples.splitlines()) + "\n")
    return "".join(out)
