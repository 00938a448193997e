"""The mutants `make mutate` runs: each a valid definition one change away from the original, or the routing
code with one operator or number changed or one branch dropped."""

from __future__ import annotations

import ast

import yaml

from cep.definition.loader import load_process
from cep.mutation.code import MODULES, code_mutants
from cep.mutation.definition import definition_mutants
from cep.mutation.equivalent import EQUIVALENT, UNOBSERVABLE_HERE
from cep.problems import InvalidProcess
from project import PROCESS, ROOT


def _differences(old: object, new: object) -> int:
    if isinstance(old, dict) and isinstance(new, dict):
        return sum(_differences(old.get(k), new.get(k)) for k in old.keys() | new.keys())
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return sum(_differences(a, b) for a, b in zip(old, new, strict=True))
    return int(old != new)


def test_each_definition_mutant_is_valid_and_one_change_away(tmp_path) -> None:
    data = yaml.safe_load(PROCESS.read_text(encoding="utf-8"))
    mutants = list(definition_mutants(data))
    assert len(mutants) > 80 and len({what for what, _ in mutants}) == len(mutants)
    kinds = {what.split(" ", 1)[0] for what, _ in mutants}
    assert {"matrix", "trigger", "triggers", "template", "calendar", "hand-over", "breach", "floor"} <= kinds
    valid = 0
    for n, (what, mutant) in enumerate(mutants):
        if what.startswith("triggers "):  # two neighbours swapped: the same triggers in another order
            assert mutant["triggers"] != data["triggers"]
            assert sorted(map(str, mutant["triggers"])) == sorted(map(str, data["triggers"])), what
        else:
            assert _differences(data, mutant) == 1, what
        path = tmp_path / f"m{n}.yaml"
        path.write_text(yaml.safe_dump(mutant, allow_unicode=True, sort_keys=False), encoding="utf-8")
        try:
            load_process(path)
            valid += 1
        except InvalidProcess:  # e.g. a route change that leaves a tier unreachable: make mutate skips it
            pass
    assert valid >= 0.95 * len(mutants)


def test_each_code_mutant_changes_one_spot_and_still_parses() -> None:
    package = ROOT / "scripts" / "cep"
    mutants = list(code_mutants(package))
    assert len(mutants) > 200
    assert {m.change.split(" ")[1] for m in mutants} >= {"→", "dropped"}
    for mutant in mutants:
        assert mutant.module in MODULES and str(mutant).startswith(f"{mutant.module} line {mutant.line}:")
        original = (package / mutant.module).read_text(encoding="utf-8")
        assert mutant.code == original.splitlines()[mutant.line - 1].strip()
        assert ast.dump(ast.parse(mutant.source)) != ast.dump(ast.parse(original))


def test_every_mutant_listed_as_equivalent_exists() -> None:
    """An entry whose line was edited names no mutant any more: it must go, with its reason."""
    mutants = [m.key for m in code_mutants(ROOT / "scripts" / "cep")]
    assert len(set(mutants)) == len(mutants)
    listed = set(EQUIVALENT) | set(UNOBSERVABLE_HERE)
    assert listed <= set(mutants), listed - set(mutants)
