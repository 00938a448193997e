"""Code mutants of the router, the calendars and the ticket parser: each comparison operator flipped (< and <=,
> and >=, == and !=, in and not in, is and is not), each whole-number constant moved by one, and each `if`
branch dropped (its test made False), one at a time."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

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


class CodeMutant(NamedTuple):
    module: str  # its path under the package
    line: int
    change: str  # what changed on that line
    code: str  # the line as written, stripped: with `change`, what a list of equivalent mutants names
    source: str  # the mutated module

    def __str__(self) -> str:
        return f"{self.module} line {self.line}: {self.change}"


class _Nth(ast.NodeTransformer):
    """Changes the `target`-th mutable spot of a module, counting in walk order."""

    def __init__(self, target: int) -> None:
        self.target, self.seen, self.what, self.line = target, -1, "", 0

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        for i, op in enumerate(node.ops):
            self.seen += 1
            if self.seen == self.target and type(op) in FLIPS:
                flipped = FLIPS[type(op)]()
                self.what, self.line = f"{type(op).__name__} → {type(flipped).__name__}", node.lineno
                node.ops[i] = flipped
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if type(node.value) is int:
            self.seen += 1
            if self.seen == self.target:
                self.what, self.line = f"{node.value} → {node.value + 1}", node.lineno
                return ast.copy_location(ast.Constant(node.value + 1), node)
        return node

    def visit_If(self, node: ast.If) -> ast.AST:
        self.generic_visit(node)
        self.seen += 1
        if self.seen == self.target:
            self.what, self.line = "branch dropped", node.lineno
            node.test = ast.copy_location(ast.Constant(False), node.test)
        return node


def code_mutants(package: Path) -> Iterator[CodeMutant]:
    for module in MODULES:
        source = (package / module).read_text(encoding="utf-8")
        lines = source.splitlines()
        target = 0
        while True:
            mutator = _Nth(target)
            tree = mutator.visit(ast.parse(source))
            if not mutator.what:
                if mutator.seen < target:
                    break
                target += 1
                continue
            mutated = ast.unparse(ast.fix_missing_locations(tree))
            yield CodeMutant(module, mutator.line, mutator.what, lines[mutator.line - 1].strip(), mutated)
            target += 1
