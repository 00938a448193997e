"""The package shows its pipeline: no import cycle, few modules at the top, no near-synonym names side by side."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import cep

PACKAGE = Path(cep.__file__).parent


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path) -> set[str]:
    """The package's modules `name` imports, at its top or inside a function (an import there is still a
    dependency)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in MODULES else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {target for target in found if target in MODULES and target != name}


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = {name: _imports(name, path) for name, path in MODULES.items()}
    assert sum(len(targets) for targets in graph.values()) > 50  # the walk sees the imports
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as cycle:
        raise AssertionError(f"import cycle: {' → '.join(cycle.args[1])}") from None


def test_few_modules_at_the_top_and_no_near_synonyms_side_by_side() -> None:
    top = sorted(path.stem for path in PACKAGE.glob("*.py"))
    assert len(top) <= 10, top
    for folder in [PACKAGE, *(p for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())]:
        stems = [path.stem for path in folder.glob("*.py") if path.stem != "__init__"]
        for stem in stems:
            assert f"{stem}s" not in stems, (folder, stem)  # check / checks, feature / features
        assert "__init__" in {p.stem for p in folder.glob("*.py")}
        assert ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8"))), folder
