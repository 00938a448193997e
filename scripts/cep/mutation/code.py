"""Code mutants of the router, the calendars and the ticket parser: each comparison operator flipped (< and <=,
> and >=, == and !=, in and not in, is and is not) and each whole-number constant moved by one, one at a time."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

MODULES = ("routing/router.py", "routing/calendars.py", "routing/tickets.py")
FLIPS: dict[type, type] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}


class _Nth(ast.NodeTransformer):
    """Changes the `target`-th mutable spot of a module, counting in walk order."""

    def __init__(self, target: int) -> None:
        self.target, self.seen, self.what = target, -1, ""

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        for i, op in enumerate(node.ops):
            self.seen += 1
            if self.seen == self.target and type(op) in FLIPS:
                flipped = FLIPS[type(op)]()
                self.what = f"line {node.lineno}: {type(op).__name__} → {type(flipped).__name__}"
                node.ops[i] = flipped
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if type(node.value) is int:
            self.seen += 1
            if self.seen == self.target:
                self.what = f"line {node.lineno}: {node.value} → {node.value + 1}"
                return ast.copy_location(ast.Constant(node.value + 1), node)
        return node


def code_mutants(package: Path) -> Iterator[tuple[str, str, str]]:
    """(module path under the package, what changed, the mutated source)."""
    for module in MODULES:
        source = (package / module).read_text(encoding="utf-8")
        target = 0
        while True:
            mutator = _Nth(target)
            tree = mutator.visit(ast.parse(source))
            if not mutator.what:
                if mutator.seen < target:
                    break
                target += 1
                continue
            yield module, f"{module} {mutator.what}", ast.unparse(ast.fix_missing_locations(tree))
            target += 1
