"""Nothing in cep knows the default process by name: a copy whose every tier, role, priority, channel, calendar,
template, trigger and category has a new id and a new name goes through every command, and none of the old
names or ids appears in any output."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from project import copy_project

RENAMED = {  # list in the definition → (new id, new name) patterns
    "tiers": ("stage-{}", "Stage No{}"),
    "roles": ("person-{}", "Person No{}"),
    "priorities": ("Q{}", "Severity No{}"),
    "channels": ("#room-{}", "Room No{}"),
    "calendars": ("hours-{}", "Hours No{}"),
    "templates": ("form-{}", "Form No{}"),
    "triggers": ("rule-{}", "Rule No{}"),
    "categories": ("kind-{}", "Kind No{}"),
    "issue_types": ("sort-{}", "Sort No{}"),  # Jira's issue types are named after the templates
}


def _lists(data: dict) -> dict[str, list[dict]]:
    return {key: data["jira"][key] if key == "issue_types" else data[key] for key in RENAMED}


DURATION = re.compile(r"[0-9]+ (business )?(minute|hour|day)s?")


def _tokens(node: object) -> set[str]:
    """Every id and name in a (part of a) definition."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("id", "name", "short_name", "status") and isinstance(value, str):
                found.add(value)
            found |= _tokens(value)
    elif isinstance(node, list):
        for value in node:
            found |= _tokens(value)
    return found


def _renaming(data: dict) -> dict[str, str]:
    """{old id or name: new one} for the renamed lists."""
    renaming: dict[str, str] = {}
    for key, items in _lists(data).items():
        new_id, new_name = RENAMED[key]
        for n, item in enumerate(items, start=1):
            renaming.setdefault(item["id"], new_id.format(n))  # an id shared by two lists keeps one new id
            for field in ("name", "short_name", "status"):
                if field in item:
                    renaming.setdefault(item[field], f"{new_name.format(n)} {field.replace('_', ' ')}")
    return renaming


def _text(path: Path) -> str:
    """What a reader or a tool gets from a written file: for HTML and SVG, the text and the titles and links,
    not the markup (whose class names may be any word); of a page, what the page says (its article), not the
    theme's own words ('Skip to content')."""
    raw = path.read_text(encoding="utf-8")
    if path.name == "search_index.json":  # what search shows: titles and texts (a page's path is no word of it)
        return "\n".join(f"{d['title']}\n{d['text']}" for d in json.loads(raw)["docs"])
    if path.suffix not in (".html", ".svg"):
        return raw
    if path.suffix == ".html":
        raw = raw[raw.find("<article") : raw.rfind("</article>")]
    parts: list[str] = []

    class Reader(HTMLParser):
        code = False  # inside a style or a script: not words a reader reads

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.code = tag in ("style", "script")
            parts.extend(value for name, value in attrs if value and name in ("title", "alt", "aria-label"))

        def handle_endtag(self, tag: str) -> None:
            self.code = False

        def handle_data(self, data: str) -> None:
            if not self.code:
                parts.append(data)

    Reader(convert_charrefs=True).feed(raw)
    return "\n".join(parts)


def _word(token: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w#-]){re.escape(token)}(?![\w-])")


@pytest.fixture(scope="module")
def renamed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str], dict]:
    project = copy_project(tmp_path_factory.mktemp("renamed"))
    definition = project / "process" / "escalation.yaml"
    data = yaml.safe_load(definition.read_text(encoding="utf-8"))
    data["process"]["last_reviewed"] = str(data["process"]["last_reviewed"])
    renaming = _renaming(data)
    lists = _lists(data)
    ids = {item["id"] for items in lists.values() for item in items}
    rest = {k: v for k, v in data.items() if k not in RENAMED}
    rest["jira"] = {k: v for k, v in data["jira"].items() if k not in ("issue_types", "statuses")}  # named by tiers
    # What stays: the other lists' ids and names, but for a name that says a renamed one ('Returned to Tier 1'),
    # which is rewritten as free text.
    kept = {t.lower() for t in _tokens(rest) if t == t.lower() or not any(_word(r).search(t) for r in renaming)}
    # Free text and feature files are rewritten for the unambiguous tokens only ('Critical' names a priority and
    # an urgency too), longest first ('Tier 2 (level 1)' before 'Tier 2'); names in any case ('the escalation
    # report'), ids as written. A name that stays (the clock 'Insight review') is kept whole.
    unambiguous = [t for t in renaming if t.lower() not in kept]
    names: dict[str, str] = {}
    for token in unambiguous:  # in the order of RENAMED: 'Project Manager' is the tier before the role
        if token not in ids:
            names.setdefault(token.lower(), renaming[token])
    alternatives = sorted([*unambiguous, *kept], key=len, reverse=True)
    pattern = re.compile(
        "|".join(rf"(?<![\w#-]){re.escape(t) if t in ids else f'(?i:{re.escape(t)})'}(?![\w-])" for t in alternatives)
    )

    def replace(match: re.Match[str]) -> str:
        """A word that is a name and an id ('insight') is the id in quotes or in a table cell, the name in prose;
        a name that stays matches as itself."""
        text, string, start = match.group(0), match.string, match.start()
        quoted = string[start - 1 : start] == '"' and string[match.end() : match.end() + 1] == '"'
        in_table = string[string.rfind("\n", 0, start) + 1 : start].lstrip().startswith("|")
        if not (quoted or in_table) and text.lower() in names:
            return names[text.lower()]
        return renaming.get(text) or names.get(text.lower(), text)

    def rewrite(text: str) -> str:
        return pattern.sub(replace, text)

    # Searched for: the renamed lists' words, but for a word inside a name that stays, and the issue types (named
    # 'Escalation', 'Insight': the domain's own words, renamed above only to keep them consistent).
    issue_types = _tokens(data["jira"]["issue_types"])
    searched = {t for t in unambiguous if t not in issue_types and not any(_word(t.lower()).search(k) for k in kept)}

    def walk(node: object) -> object:
        if isinstance(node, dict):
            return {
                renaming.get(k, k) if k in renaming and k not in ("feedback",) else k: walk(v) for k, v in node.items()
            }
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, str):  # a duration says 'business hours' of its own, not of a calendar of that name
            return renaming.get(node) or (node if DURATION.fullmatch(node) else rewrite(node))
        return node

    new = walk(data)
    definition.write_text(yaml.safe_dump(new, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # Another team's repository: its own definition and features, the standard manual (named after the process).
    (project / "mkdocs.yml").unlink()
    shutil.rmtree(project / "docs")
    for feature in (project / "features").glob("*.feature"):
        feature.write_text(rewrite(feature.read_text(encoding="utf-8")), encoding="utf-8")
    return project, searched, new


def _cep(project: Path, *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-m", "cep", *args], cwd=project, input=stdin, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, (args, done.stdout[-3000:], done.stderr[-3000:])
    return done.stdout + done.stderr


def test_no_old_name_or_id_in_any_output(renamed) -> None:
    project, old, data = renamed
    tickets = [
        {"id": f"t{n}", "category": c["id"], "urgency": u["id"], "impact": i["id"], "created": "2026-11-27T16:00:00Z"}
        for n, (c, u, i) in enumerate(itertools.product(data["categories"], data["urgency"], data["impact"]))
    ]
    outputs = {
        "validate": _cep(project, "validate"),
        "check": _cep(project, "check"),
        "route": _cep(project, "route", "--format", "jsonl", stdin="".join(json.dumps(t) + "\n" for t in tickets)),
        "jira export": _cep(project, "jira", "export"),
        "spec": _cep(project, "spec", "--", "-q", "-p", "no:cacheprovider"),
    }
    _cep(project, "diagrams", "--out", "diagrams")
    _cep(project, "build", "--site-dir", "site")
    written = [*(project / "diagrams").glob("*.svg"), *(project / "site").rglob("*.html")]
    written.append(project / "site" / "search" / "search_index.json")
    outputs |= {str(path.relative_to(project)): _text(path) for path in written}
    assert "passed" in outputs["spec"] and len(written) > 25
    leaks = sorted(
        f"{token!r} in {where}" for token in old for where, text in outputs.items() if _word(token).search(text)
    )
    assert not leaks, "\n".join(leaks[:60]) + f"\n({len(leaks)} in all)"
