"""The executable specification as data: Gherkin features read with the official parser, and run results."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..problems import InvalidProcess, Location, Problem

# The step that makes a ticket, shared by the step vocabulary and by `cep check`, which reads what it exercises.
TICKET_STEP = re.compile(
    r'an? "(?P<category>[^"]+)" ticket with "(?P<urgency>[^"]+)" urgency and "(?P<impact>[^"]+)" impact'
)


@dataclass(frozen=True)
class Step:
    keyword: str
    text: str
    table: tuple[tuple[str, ...], ...] = ()
    docstring: str | None = None  # the text block under the step, as written between its quotes


@dataclass(frozen=True)
class Scenario:
    name: str
    keyword: str
    steps: tuple[Step, ...]
    examples: tuple[tuple[str, ...], ...]  # header row first, when the scenario is an outline
    location: Location

    def texts(self) -> list[str]:
        """Every step's text, with an outline's placeholders filled in once per example row."""
        if not self.examples:
            return [s.text for s in self.steps]
        header, *rows = self.examples
        filled = []
        for row in rows:
            for step in self.steps:
                text = step.text
                for name, value in zip(header, row, strict=True):
                    text = text.replace(f"<{name}>", value)
                filled.append(text)
        return filled


@dataclass(frozen=True)
class Feature:
    name: str
    description: str
    file: str
    background: tuple[Step, ...]
    scenarios: tuple[Scenario, ...]


def _steps(raw: list[dict]) -> tuple[Step, ...]:
    return tuple(
        Step(
            s["keyword"].strip(),
            s["text"],
            tuple(tuple(c["value"] for c in row["cells"]) for row in s.get("dataTable", {}).get("rows", [])),
            s["docString"]["content"] if "docString" in s else None,
        )
        for s in raw
    )


def read_feature(path: Path, name: str | None = None) -> Feature:
    from gherkin.errors import CompositeParserException, ParserException
    from gherkin.parser import Parser
    from gherkin.token_scanner import TokenScanner

    file = name or str(path)
    try:
        document = Parser().parse(TokenScanner(path.read_text(encoding="utf-8")))
    except (CompositeParserException, ParserException) as error:
        errors = getattr(error, "errors", [error])
        raise InvalidProcess(
            [
                Problem(Location(file, e.location["line"], e.location.get("column") or 0), str(e).split(": ", 1)[-1])
                for e in errors
            ]
        ) from None
    feature = document.get("feature") or {}
    background: tuple[Step, ...] = ()
    scenarios = []
    for child in feature.get("children", []):
        if "background" in child:
            background = _steps(child["background"]["steps"])
        for rule_child in [child] if "scenario" in child else child.get("rule", {}).get("children", []):
            if "scenario" not in rule_child:
                continue
            raw = rule_child["scenario"]
            examples: list[tuple[str, ...]] = []
            for block in raw.get("examples", []):
                header = tuple(c["value"] for c in block["tableHeader"]["cells"]) if block.get("tableHeader") else ()
                if not examples and header:
                    examples.append(header)
                examples += [tuple(c["value"] for c in row["cells"]) for row in block.get("tableBody", [])]
            scenarios.append(
                Scenario(
                    raw["name"],
                    raw["keyword"],
                    _steps(raw["steps"]),
                    tuple(examples),
                    Location(file, raw["location"]["line"], raw["location"]["column"]),
                )
            )
    return Feature(
        feature.get("name", path.stem), (feature.get("description") or "").strip(), file, background, tuple(scenarios)
    )


def read_features(directory: Path) -> list[Feature]:
    """Every *.feature below `directory`, in path order."""
    return [read_feature(path, str(path)) for path in sorted(directory.rglob("*.feature"))]


def read_results(report: Path) -> dict[tuple[str, str], str]:
    """(feature name, scenario name) → 'passed' or 'failed' from a Cucumber JSON report; {} when there is none."""
    try:
        features = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    results: dict[tuple[str, str], str] = {}
    for feature in features:
        for element in feature.get("elements", []):
            key = (feature.get("name", ""), element.get("name", ""))
            passed = all(step.get("result", {}).get("status") == "passed" for step in element.get("steps", []))
            results[key] = "failed" if results.get(key) == "failed" or not passed else "passed"
    return results
