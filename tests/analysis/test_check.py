"""`cep check`: soundness findings at the right lines, coverage, and the box analysis against brute force."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cep.analysis.boxes import Rule, Space, analyse
from project import PROCESS, ROOT, load_changed


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "process" / "escalation.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "process" / "schema", path.parent / "schema")
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line == text)


def _check(run_cli, path: Path, *extra: str):
    return run_cli("check", "--process", str(path), "--features", "features", *extra)


DEFAULT = PROCESS.read_text(encoding="utf-8")
ANY_BUG = """  - id: any-bug
    name: Any bug
    summary: Every bug, whatever else.
    when: {category: [bug]}
    route: tier-2-pm
    notify: ["#cep-escalations"]
    template: escalation-report
"""


def test_the_default_process_is_sound(run_cli) -> None:
    result = run_cli("check")
    assert result.code == 0, result
    assert "0 errors, 0 warnings" in result.out
    assert "coverage: triggers: 7 of 7" in result.out and "coverage: matrix cells: 16 of 16" in result.out


def test_a_trigger_below_a_broader_one_is_shadowed(run_cli, tmp_path: Path) -> None:
    path = _write(tmp_path, DEFAULT.replace("  - id: confirmed-bug\n", ANY_BUG + "  - id: confirmed-bug\n", 1))
    result = _check(run_cli, path)
    assert result.code == 1
    line = _line_of(path, "  - id: confirmed-bug")
    assert (
        f"{path}:{line}:5: error: trigger 'confirmed-bug' can never fire: earlier triggers take all its "
        f"tickets: any-bug" in result.out.splitlines()
    )
    assert "trigger 'wide-impact-bug' can never fire: earlier triggers take all its tickets: any-bug" in result.out


def test_a_duplicated_condition_is_shadowed(run_cli, tmp_path: Path) -> None:
    copy = ANY_BUG.replace("any-bug", "content-again").replace("Any bug", "Content again").replace("[bug]", "[content]")
    path = _write(tmp_path, DEFAULT.replace("  - id: product-insight\n", copy + "  - id: product-insight\n", 1))
    result = _check(run_cli, path)
    line = _line_of(path, "  - id: content-again")
    assert result.code == 1
    assert (
        f"{path}:{line}:5: error: trigger 'content-again' can never fire: earlier triggers take all its "
        f"tickets: content-error" in result.out
    )
    assert f"{path}:{line}:5: error: no scenario exercises trigger 'content-again'" in result.out


def test_an_unmarked_overlap_is_a_warning_and_strict_makes_it_fail(run_cli, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        DEFAULT.replace(
            "    overlaps: [service-outage, confirmed-bug, wide-impact-bug, content-error, product-insight]\n",
            "    overlaps: [service-outage]\n",
        ),
    )
    line = _line_of(path, "  - id: critical-unresolved")
    relaxed = _check(run_cli, path)
    assert relaxed.code == 0
    assert (
        f"{path}:{line}:5: warning: trigger 'critical-unresolved' overlaps trigger 'content-error' on 8 kinds of "
        f'ticket (e.g. category="content", urgency="critical", impact="platform", reproduced=true)'
    ) in relaxed.out
    assert "overlaps trigger 'service-outage'" not in relaxed.out
    assert _check(run_cli, path, "--strict").code == 1


def test_a_removed_matrix_cell_is_refused_at_its_line(run_cli, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        DEFAULT.replace(
            "  low: {platform: P3, organisation: P3, team: P4, individual: P4}",
            "  low: {platform: P3, organisation: P3, team: P4}",
        ),
    )
    result = _check(run_cli, path)
    line = _line_of(path, "  low: {platform: P3, organisation: P3, team: P4}")
    assert result.code == 1
    assert (
        f"{path}:{line}:8: error: the priority matrix has no cell for urgency 'low' and impact 'individual'"
        in result.err
    )


def test_a_trigger_no_scenario_makes_fire(run_cli, tmp_path: Path) -> None:
    vip = (
        ANY_BUG.replace("any-bug", "vip-account")
        .replace("Any bug", "VIP account")
        .replace("{category: [bug]}", "{category: [account], urgency: [low], impact: [organisation]}")
    )
    path = _write(tmp_path, DEFAULT.replace("  - id: critical-unresolved\n", vip + "  - id: critical-unresolved\n", 1))
    result = _check(run_cli, path)
    line = _line_of(path, "  - id: vip-account")
    assert result.code == 1
    assert result.out.splitlines()[0] == f"{path}:{line}:5: error: no scenario exercises trigger 'vip-account'"


# -- the analysis against brute force ----------------------------------------------------------------------------
DOMAINS = {"a": (0, 1, 2), "b": ("x", "y", "z"), "c": (True, False)}
_subsets = {name: st.sets(st.sampled_from(values), min_size=1) for name, values in DOMAINS.items()}
_box = st.fixed_dictionaries({}, optional=_subsets)
_rules = st.lists(st.lists(_box, min_size=0, max_size=3), min_size=1, max_size=6)


def _regions(space: Space, raw_rules: list[list[dict]]) -> list[list[int]]:
    """Each drawn rule as a region: the union of its boxes, made disjoint as the analysis expects."""
    regions = []
    for boxes in raw_rules:
        region: list[int] = []
        for constraints in boxes:
            box = space.box(constraints)
            pieces = [box] if box is not None else []
            for existing in region:
                pieces = [piece for p in pieces for piece in space.subtract(p, existing)]
            region.extend(pieces)
        regions.append(region)
    return regions


@settings(max_examples=300, deadline=None)
@given(_rules)
def test_analysis_agrees_with_enumeration(raw_rules: list[list[dict]]) -> None:
    space = Space(DOMAINS)
    rules = [Rule(f"r{n}", region) for n, region in enumerate(_regions(space, raw_rules))]
    result = analyse(space, rules)

    tickets = [dict(zip(DOMAINS, combo, strict=True)) for combo in itertools.product(*DOMAINS.values())]

    def matches(rule: Rule, ticket: dict) -> bool:
        boxes = [dict(zip(DOMAINS, space.values(box), strict=True)) for box in rule.region]
        return any(all(ticket[f] in values for f, values in box.items()) for box in boxes)

    firsts = [next((r.id for r in rules if matches(r, t)), None) for t in tickets]
    assert result.fires == {r.id: firsts.count(r.id) for r in rules}
    assert set(result.shadowed) == {r.id for r in rules if firsts.count(r.id) == 0}
    by_id = {r.id: r for r in rules}
    for shadowed, covering in result.shadowed.items():  # the named earlier rules alone take all its tickets
        assert all(any(matches(by_id[c], t) for c in covering) for t in tickets if matches(by_id[shadowed], t))
    assert result.gap == firsts.count(None)
    if result.gap:
        assert result.gap_example in [t for t, first in zip(tickets, firsts, strict=True) if first is None]
    else:
        assert result.gap_example is None
    expected = {
        (a.id, b.id): sum(matches(a, t) and matches(b, t) for t in tickets)
        for a, b in itertools.combinations(rules, 2)
        if b.id not in result.shadowed
    }
    assert {(o.first, o.second): o.size for o in result.overlaps} == {k: v for k, v in expected.items() if v}
    for overlap in result.overlaps:
        first = next(r for r in rules if r.id == overlap.first)
        second = next(r for r in rules if r.id == overlap.second)
        assert matches(first, overlap.example) and matches(second, overlap.example)


@settings(max_examples=200, deadline=None)
@given(_rules)
def test_refined_atoms_partition_the_space_along_every_region(raw_rules: list[list[dict]]) -> None:
    space = Space(DOMAINS)
    regions = _regions(space, raw_rules)
    atoms = space.refine(regions)

    def inside(box: int, ticket: dict) -> bool:
        return all(ticket[f] in values for f, values in zip(DOMAINS, space.values(box), strict=True))

    tickets = [dict(zip(DOMAINS, combo, strict=True)) for combo in itertools.product(*DOMAINS.values())]
    for ticket in tickets:
        assert sum(inside(atom, ticket) for atom in atoms) == 1  # disjoint, and together the whole space
    for atom in atoms:
        members = [t for t in tickets if inside(atom, t)]
        for region in regions:  # the atom is wholly inside or wholly outside each region
            assert len({any(inside(box, t) for box in region) for t in members}) == 1


def test_a_trigger_is_covered_by_what_a_scenario_makes_it_do_not_by_its_name(tmp_path: Path) -> None:
    from cep.analysis.check import coverage
    from cep.definition.loader import load_process
    from cep.spec.gherkin import read_features

    process = load_process(PROCESS)
    names_it = """Feature: x
  Scenario: a how-to question
    Given a "how-to" ticket with "low" urgency and "individual" impact
    When Tier 1 triages it
    Then the trigger is "content-error"
"""
    (tmp_path / "names.feature").write_text(names_it)
    assert "content-error" not in coverage(process, read_features(tmp_path)).covered["triggers"]
    route_only = names_it.replace('"how-to"', '"content"').replace(
        'Then the trigger is "content-error"', "Then it is routed to the Project Manager"
    )
    (tmp_path / "names.feature").write_text(route_only)
    assert "content-error" not in coverage(process, read_features(tmp_path)).covered["triggers"]  # channels unsaid
    (tmp_path / "names.feature").write_text(route_only + '    And exactly "#cep-escalations" is notified\n')
    covered = coverage(process, read_features(tmp_path))
    assert covered.covered["triggers"] == ["content-error"]
    assert "(default route)" in covered.uncovered["triggers"]


def test_removing_the_only_scenario_of_a_trigger_shows_exactly_that_gap(run_cli, tmp_path: Path) -> None:
    features = tmp_path / "features"
    shutil.copytree(ROOT / "features", features)
    triage = features / "triage.feature"
    text = triage.read_text(encoding="utf-8")
    start = text.index("  Scenario Outline: A bug nobody could reproduce still goes up")
    end = text.index("  Scenario:", start)
    triage.write_text(text[:start] + text[end:], encoding="utf-8")
    for other in features.glob("*.feature"):  # no other scenario makes wide-impact-bug fire and states its route
        assert other == triage or "could not reproduce it" not in other.read_text(encoding="utf-8")
    result = run_cli("check", "--features", str(features))
    assert result.code == 1
    assert "coverage: triggers: 6 of 7; not exercised: wide-impact-bug" in result.out
    assert "no scenario exercises trigger 'wide-impact-bug'" in result.out


def _check_with_one_edit(run_cli, tmp_path: Path, feature: str, old: str, new: str):
    """`cep check` on a copy of the features with `old` (written once in `feature`) replaced by `new`."""
    features = tmp_path / "features"
    shutil.copytree(ROOT / "features", features)
    path = features / feature
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return run_cli("check", "--features", str(features))


def test_removing_the_example_of_one_condition_value_shows_exactly_that_value(run_cli, tmp_path: Path) -> None:
    """Coverage by behaviour: dropping the platform row of the unreproduced-bug outline leaves 'platform' of
    wide-impact-bug unexercised (an unreproduced platform bug would stay at Tier 1 without it), and nothing else."""
    row = "      | organisation |\n      | platform     |\n"
    result = _check_with_one_edit(run_cli, tmp_path, "triage.feature", row, "      | organisation |\n")
    assert "coverage: triggers: 7 of 7\n" in result.out
    assert "coverage: condition values: 9 of 10; not exercised: wide-impact-bug: impact platform\n" in result.out
    # the one value no scenario could ever show: a reproduced bug goes to the same place by another trigger
    assert "no answer depends on (another trigger answers alike): wide-impact-bug: reproduced no" in result.out


def test_removing_one_missed_goal_row_shows_exactly_that_priority_and_tier(run_cli, tmp_path: Path) -> None:
    """Breach rules are covered per priority and tier, as a scenario's words place its missed goal."""
    row = (
        "      | P2       | high     | team       | Development         | Fri 2026-12-04 10:00 | alerts the manager  "
        "| the technical program manager is alerted |\n"
    )
    result = _check_with_one_edit(run_cli, tmp_path, "missed-goals.feature", row, "")
    assert "coverage: breach rules: 16 of 17; not exercised: hierarchical-escalation: P2 at tier-3\n" in result.out


def test_a_template_field_is_covered_as_optional_only_when_a_scenario_leaves_it_out(run_cli, tmp_path: Path) -> None:
    """Were no scenario to leave out the workaround, making it required would return real escalations unseen."""
    lacks = 'lacks "Workaround", "Environment", "Attachments" and "Customer context"'
    result = _check_with_one_edit(
        run_cli, tmp_path, "missed-goals.feature", lacks, 'lacks "Environment", "Attachments" and "Customer context"'
    )
    assert "coverage: template fields: 26 of 27; not exercised: escalation-report: workaround optional\n" in result.out


def test_a_calendar_edge_is_covered_by_a_deadline_stated_from_it(run_cli, tmp_path: Path) -> None:
    created = 'it was created at "Tue 2026-12-01 17:00"'  # the one clock stated from exactly closing time
    result = _check_with_one_edit(run_cli, tmp_path, "time-goals.feature", created, created.replace("17:00", "16:00"))
    assert "coverage: calendar edges: 8 of 9; not exercised: business-hours: at closing\n" in result.out


def test_grouping_values_no_rule_tells_apart_changes_no_count(tmp_path: Path) -> None:
    """The grouped space (values no trigger, matrix row or floor tells apart share one bit, weighted) gives the
    same analysis as the space with every value on its own, on a process with many categories no trigger names."""
    from cep.analysis.boxes import Space, analyse
    from cep.analysis.check import BASE_FIELDS, ticket_space, trigger_rules

    def many_categories(data: dict) -> None:
        data["categories"] += [{"id": f"extra-{n}", "name": f"Extra {n}", "summary": "-"} for n in range(40)]

    process = load_changed(tmp_path, many_categories)
    grouped = ticket_space(process)
    plain = Space({name: process.domains()[name] for name in BASE_FIELDS})
    assert len(grouped.domains["category"]) < len(plain.domains["category"]) - 30
    one, other = analyse(grouped, trigger_rules(process, grouped)), analyse(plain, trigger_rules(process, plain))
    assert one.fires == other.fires and one.shadowed == other.shadowed and one.gap == other.gap
    assert [(o.first, o.second, o.size) for o in one.overlaps] == [(o.first, o.second, o.size) for o in other.overlaps]
    assert grouped.size(grouped.universe) == plain.size(plain.universe)


@settings(max_examples=60)
@given(
    priorities=st.sets(st.sampled_from(["P1", "P2", "P3", "P4"]), min_size=1),
    categories=st.one_of(st.none(), st.sets(st.sampled_from(["how-to", "bug", "outage", "content"]), min_size=1)),
    urgencies=st.one_of(st.none(), st.sets(st.sampled_from(["critical", "high", "medium", "low"]), min_size=1)),
)
def test_a_priority_condition_is_exactly_the_matrix_cells_that_give_it(priorities, categories, urgencies) -> None:
    from cep.analysis.check import ticket_space
    from cep.analysis.matrix import PriorityRegions
    from cep.definition.loader import load_process
    from cep.definition.model import Condition

    process = load_process(PROCESS)
    terms = [("priority", frozenset(priorities))]
    terms += [("category", frozenset(categories))] if categories else []
    terms += [("urgency", frozenset(urgencies))] if urgencies else []
    space = ticket_space(process, [Condition(tuple(terms))])  # the space keeps apart what the condition names
    regions = PriorityRegions(process, space)
    regions.region(Condition((("priority", frozenset({"P1"})),)))  # another condition first: its caches must not leak
    region = regions.region(Condition(tuple(terms)))
    found = set()
    for box in region:
        found |= set(itertools.product(*space.values(box)))
    assert sum(space.size(box) for box in region) == len(found)  # the boxes do not overlap
    domains = process.domains()
    expected = {
        (c, u, i, r)
        for c, u, i, r in itertools.product(*(domains[f] for f in ("category", "urgency", "impact", "reproduced")))
        if process.priority_for(c, u, i)[0] in priorities
        and (not categories or c in categories)
        and (not urgencies or u in urgencies)
    }
    assert found == expected
    assert len(region) <= len(domains["urgency"]) * 2  # regions of the matrix, not one box per cell
