"""The JQL subset the bundle emits: quoting to write it, and a recursive-descent parser to read it back.

Grammar (keywords case-insensitive):
    query     := or
    or        := and ("OR" and)*
    and       := not ("AND" not)*
    not       := "NOT" not | primary
    primary   := "(" or ")" | clause
    clause    := field ("=" | "!=") value | field ["NOT"] "IN" "(" value ("," value)* ")" | field "IS" ["NOT"] "EMPTY"
               | field "=" ("breached" | "running") "(" ")" | field "<" "remaining" "(" string ")"
    field     := word | string
    value     := word | string

A field's value is a string, a tuple of strings (labels: `=` and `in` ask whether it holds one), or, for a JSM SLA
field, a `Sla` (its state, and the seconds left before its goal).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

_TOKEN = re.compile(r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<op>!=|=|<|\(|\)|,)|(?P<word>[^\s"=!<(),]+))')
_KEYWORDS = {"and", "or", "not", "in", "is", "empty", "null"}


class JqlError(ValueError):
    """JQL outside the subset, or malformed."""


def quote(value: str) -> str:
    """A JQL string literal: always double-quoted, with backslashes and quotes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def in_list(field: str, values: list[str]) -> str:
    if len(values) == 1:
        return f"{quote(field)} = {quote(values[0])}"
    return f"{quote(field)} in ({', '.join(quote(v) for v in values)})"


def scoped(project: str, jql: str) -> str:
    """`jql` limited to one project: its condition in parentheses, its ORDER BY (outside any string) kept last."""
    blanked = re.sub(r'"(?:[^"\\]|\\.)*"', lambda m: "x" * len(m[0]), jql)
    order = re.search(r"\s+ORDER\s+BY\s", blanked, re.IGNORECASE)
    condition, ordering = (jql[: order.start()], jql[order.start() :]) if order else (jql, "")
    return f"project = {quote(project)} AND ({condition}){ordering}"


@dataclass(frozen=True)
class Sla:
    """A JSM SLA field as JQL sees it: `running`, `paused`, `met` or `breached`, and the seconds left."""

    state: str
    remaining: int = 0


_UNITS = {"w": 5 * 8 * 3600, "d": 8 * 3600, "h": 3600, "m": 60}  # JSM's working week and day


def duration_seconds(text: str) -> int:
    """A JSM duration such as `2h 30m` in seconds."""
    parts = re.findall(r"(\d+)([wdhm])", text)
    if not parts or "".join(n + u for n, u in parts) != text.replace(" ", ""):
        raise JqlError(f"not a duration: {text!r}")
    return sum(int(n) * _UNITS[u] for n, u in parts)


def _holds(value: object, wanted: set[str]) -> bool:
    return bool(set(value) & wanted) if isinstance(value, tuple) else value in wanted


@dataclass(frozen=True)
class _Token:
    kind: str  # "string", "op", "word"
    text: str

    def is_keyword(self, keyword: str) -> bool:
        return self.kind == "word" and self.text.lower() == keyword


def tokenize(text: str) -> list[_Token]:
    tokens, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise JqlError(f"cannot read JQL at column {position + 1}: {text[position : position + 20]!r}")
        kind = match.lastgroup or "word"
        raw = match.group(kind)
        if kind == "string":
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        tokens.append(_Token(kind, raw))
        position = match.end()
    return tokens


Predicate = Callable[[Mapping[str, object]], bool]


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.at = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise JqlError("unexpected end of JQL")
        self.at += 1
        return token

    def expect_op(self, op: str) -> None:
        token = self.take()
        if token.kind != "op" or token.text != op:
            raise JqlError(f"expected {op!r}, found {token.text!r}")

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token is not None and token.is_keyword(word):
            self.at += 1
            return True
        return False

    def parse(self) -> Predicate:
        predicate = self.or_()
        if self.peek() is not None:
            raise JqlError(f"unexpected {self.peek().text!r}")  # type: ignore[union-attr]
        return predicate

    def or_(self) -> Predicate:
        parts = [self.and_()]
        while self.keyword("or"):
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else lambda ticket: any(p(ticket) for p in parts)

    def and_(self) -> Predicate:
        parts = [self.not_()]
        while self.keyword("and"):
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else lambda ticket: all(p(ticket) for p in parts)

    def not_(self) -> Predicate:
        if self.keyword("not"):
            inner = self.not_()
            return lambda ticket: not inner(ticket)
        token = self.peek()
        if token is not None and token.kind == "op" and token.text == "(":
            self.take()
            inner = self.or_()
            self.expect_op(")")
            return inner
        return self.clause()

    def value(self) -> str:
        token = self.take()
        if token.kind == "op" or (token.kind == "word" and token.text.lower() in _KEYWORDS):
            raise JqlError(f"expected a value, found {token.text!r}")
        return token.text

    def clause(self) -> Predicate:
        field = self.value().lower()
        token = self.take()
        if token.kind == "op" and token.text == "<":
            if not self.keyword("remaining"):
                raise JqlError("expected remaining() after <")
            self.expect_op("(")
            left = duration_seconds(self.value())
            self.expect_op(")")
            return lambda ticket: isinstance(sla := ticket.get(field), Sla) and sla.remaining < left
        if token.kind == "op" and token.text in ("=", "!="):
            wanted, negate = self.value(), token.text == "!="
            following = self.peek()
            if wanted.lower() in ("breached", "running") and following is not None and following.text == "(":
                self.take()
                self.expect_op(")")
                state = wanted.lower()
                return lambda ticket: isinstance(sla := ticket.get(field), Sla) and (sla.state == state) != negate
            # As in Jira, an empty field matches neither `=` nor `!=` (nor `in` / `not in`).
            return lambda ticket: ticket.get(field) not in (None, ()) and _holds(ticket.get(field), {wanted}) != negate
        if token.is_keyword("is"):
            negate = self.keyword("not")
            if not (self.keyword("empty") or self.keyword("null")):
                raise JqlError("expected EMPTY after IS")
            return lambda ticket: (ticket.get(field) in (None, "", ())) != negate
        negate = token.is_keyword("not")
        if negate:
            token = self.take()
        if not token.is_keyword("in"):
            raise JqlError(f"expected an operator after {field!r}, found {token.text!r}")
        self.expect_op("(")
        values = {self.value()}
        while self.peek() is not None and self.peek().text == ",":  # type: ignore[union-attr]
            self.take()
            values.add(self.value())
        self.expect_op(")")
        return lambda ticket: ticket.get(field) not in (None, ()) and _holds(ticket.get(field), values) != negate


def parse(text: str) -> Predicate:
    """A predicate over a ticket given as {lower-case field name: value or None}."""
    return _Parser(text).parse()
