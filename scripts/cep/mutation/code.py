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
    column: int  # where on the line the changed code starts (a line may hold the same change twice)
    change: str  # what changed there
    code: str  # the line as written, stripped: with `change` and `column`, how a list of mutants names one
    source: str  # the mutated module
    twin: int = 0  # how many mutants before it in the module have the same line text, column and change

    def __str__(self) -> str:
        return f"{self.module} line {self.line}:{self.column}: {self.change}"

    @property
    def key(self) -> tuple[str, str, int, str, int]:
        return self.module, self.code, self.column, self.change, self.twin


def _spot(node: ast.expr | ast.stmt) -> tuple[int, int]:
    return node.lineno, node.col_offset + 1


class _Nth(ast.NodeTransformer):
    """Changes the `target`-th mutable spot of a module, counting in walk order."""

    def __init__(self, target: int) -> None:
        self.target, self.seen, self.what, self.spot = target, -1, "", (0, 0)

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        for i, op in enumerate(node.ops):
            self.seen += 1
            if self.seen == self.target and type(op) in FLIPS:
                flipped = FLIPS[type(op)]()
                self.what, self.spot = f"{type(op).__name__} → {type(flipped).__name__}", _spot(node)
                node.ops[i] = flipped
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if type(node.value) is int:
            self.seen += 1
            if self.seen == self.target:
                self.what, self.spot = f"{node.value} → {node.value + 1}", _spot(node)
                return ast.copy_location(ast.Constant(node.value + 1), node)
        return node

    def visit_If(self, node: ast.If) -> ast.AST:
        self.generic_visit(node)
        self.seen += 1
        if self.seen == self.target:
            self.what, self.spot = "branch dropped", _spot(node)
            node.test = ast.copy_location(ast.Constant(False), node.test)
        return node


def code_mutants(package: Path) -> Iterator[CodeMutant]:
    for module in MODULES:
        source = (package / module).read_text(encoding="utf-8")
        lines = source.splitlines()
        seen: dict[tuple[str, int, str], int] = {}
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
            line, column = mutator.spot
            code = lines[line - 1].strip()
            twin = seen[code, column, mutator.what] = seen.get((code, column, mutator.what), -1) + 1
            yield CodeMutant(module, line, column, mutator.what, code, mutated, twin)
            target += 1
