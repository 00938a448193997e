"""Safe YAML reading that keeps where every node came from.

Scalars resolve by the YAML 1.2 core schema (``17:00`` and ``no`` stay text); duplicate keys, tags outside
plain data, alias bombs, oversized or non-UTF-8 input are refused with a located problem.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import yaml

from ..problems import InvalidProcess, Location, Problem
from .document import MAX_BYTES, Document, JsonPath

MAX_NODES = 50_000
MAX_DEPTH = 64

_BASE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _CoreSchemaLoader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    """PyYAML loader whose implicit types are those of the YAML 1.2 core schema."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {}


_IMPLICIT = {
    "null": (r"^(?:~|null|Null|NULL|)$", "~nN"),
    "bool": (r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    "int": (r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    "float": (
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+.0123456789",
    ),
}
for _name, (_pattern, _first) in _IMPLICIT.items():
    _first_chars = [*_first, ""] if _name == "null" else list(_first)
    _CoreSchemaLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_name}", re.compile(_pattern), _first_chars)

_TAG = "tag:yaml.org,2002:"
_SCALARS: dict[str, Any] = {
    _TAG + "str": str,
    _TAG + "null": lambda v: None,
    _TAG + "bool": lambda v: v.lower() == "true",
    _TAG + "int": lambda v: int(v, 0) if v[:2] in ("0o", "0x") else int(v),
    _TAG + "float": lambda v: float(
        v.replace(".inf", "inf")
        .replace(".Inf", "inf")
        .replace(".INF", "inf")
        .replace(".nan", "nan")
        .replace(".NaN", "nan")
        .replace(".NAN", "nan")
    ),
}


def _offset_location(file: str, text: str | bytes, offset: int) -> Location:
    newline = "\n" if isinstance(text, str) else b"\n"
    before = text[:offset]
    line = before.count(newline) + 1  # type: ignore[arg-type]
    col = offset - (before.rfind(newline) + 1) + 1  # type: ignore[arg-type]
    return Location(file, line, col)


def _yaml_problem(file: str, text: str, error: yaml.YAMLError) -> Problem:
    if isinstance(error, yaml.reader.ReaderError):
        return Problem(
            _offset_location(file, text, error.position),
            f"character #x{error.character:04x} is not allowed in YAML"
            if isinstance(error.character, int)
            else str(error.reason),
        )
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    location = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file, 1, 1)
    problem = getattr(error, "problem", None) or str(error)
    lines = text.splitlines()
    at_tab = mark is not None and mark.line < len(lines) and lines[mark.line][mark.column : mark.column + 1] == "\t"
    if at_tab or "'\\t'" in problem:
        return Problem(location, "tab character: YAML indents with spaces, not tabs")
    context = getattr(error, "context", None)
    if "expected a single document" in f"{context} {problem}":
        return Problem(location, "the file holds more than one YAML document")
    message = f"{context}: {problem}" if context else problem
    return Problem(location, f"YAML syntax: {message}")


class _Walker:
    """Turns a composed node tree into plain data, recording positions and refusing unsafe shapes."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.positions: dict[JsonPath, Location] = {}
        self.key_positions: dict[JsonPath, Location] = {}
        self.problems: list[Problem] = []
        self.nodes = 0
        self.open: set[int] = set()  # collections being walked: meeting one again means an alias loop
        self.met: set[int] = set()  # nodes walked once: meeting one again means an alias to it

    def where(self, node: yaml.Node) -> Location:
        return Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def walk(self, node: yaml.Node, path: JsonPath, alias: Location | None = None) -> Any:
        """Plain data of `node` at `path`. Below an alias, every problem is placed where the alias is used (the
        key it is the value of, or the list holding it), not at its anchor, which may be right."""
        if alias is None and id(node) in self.met:
            parent = self.positions.get(path[:-1], self.where(node))
            alias = self.key_positions.get(path, parent) if path and isinstance(path[-1], str) else parent
        self.met.add(id(node))
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooLarge(
                self.where(node),
                f"the document expands to more than {MAX_NODES} nodes (aliases repeated too often?)",
            )
        if len(path) > MAX_DEPTH:
            raise _TooLarge(self.where(node), f"the document nests deeper than {MAX_DEPTH} levels")
        self.positions.setdefault(path, alias or self.where(node))
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            if id(node) in self.open:
                raise _TooLarge(self.where(node), "an alias refers to the node that contains it")
            self.open.add(id(node))
            try:
                return self._collection(node, path, alias)
            finally:
                self.open.discard(id(node))
        convert = _SCALARS.get(node.tag)
        if convert is None:
            return self._bad_tag(node)
        try:
            return convert(node.value)
        except ValueError:
            self.problems.append(
                Problem(alias or self.where(node), f"'{node.value}' is not a valid {node.tag[len(_TAG) :]}")
            )
            return node.value

    def _collection(self, node: yaml.Node, path: JsonPath, alias: Location | None) -> Any:
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _TAG + "seq":
                return self._bad_tag(node)
            return [self.walk(item, (*path, i), alias) for i, item in enumerate(node.value)]
        if node.tag != _TAG + "map":
            return self._bad_tag(node)
        result: dict[str, Any] = {}
        first_seen: dict[str, Location] = {}
        for key_node, value_node in node.value:
            key = self.walk(key_node, (*path, "<key>"), alias)
            here = alias or self.where(key_node)
            if not isinstance(key, str):
                self.problems.append(Problem(here, f"mapping key {key!r} must be text; quote it"))
                continue
            if key in first_seen:
                self.problems.append(
                    Problem(here, f"duplicate key '{key}' (first defined at line {first_seen[key].line})")
                )
                continue
            first_seen[key] = here
            self.key_positions[(*path, key)] = here
            result[key] = self.walk(value_node, (*path, key), alias)
        self.positions.pop((*path, "<key>"), None)
        return result

    def _bad_tag(self, node: yaml.Node) -> None:
        tag = node.tag.replace(_TAG, "!!")
        self.problems.append(Problem(self.where(node), f"tag '{tag}' is not allowed: write plain YAML data"))
        return None


class _TooLarge(Exception):
    def __init__(self, location: Location, message: str) -> None:
        self.problem = Problem(location, message)


def parse_text(text: str, file: str) -> Document:
    """Parse YAML text into a Document; raise InvalidProcess with every problem found."""
    if not text.strip():
        raise InvalidProcess([Problem(Location(file, 1, 1), "the file is empty: expected a process definition")])
    try:
        node = yaml.compose(text, Loader=_CoreSchemaLoader)
    except yaml.YAMLError as error:
        raise InvalidProcess([_yaml_problem(file, text, error)]) from None
    except RecursionError:
        raise InvalidProcess([Problem(Location(file, 1, 1), "the document nests too deeply")]) from None
    if node is None:
        raise InvalidProcess([Problem(Location(file, 1, 1), "the file holds no YAML document")])
    walker = _Walker(file)
    try:
        data = walker.walk(node, ())
    except _TooLarge as error:
        raise InvalidProcess([error.problem]) from None
    if walker.problems:
        raise InvalidProcess(walker.problems)
    return Document(file, data, walker.positions, walker.key_positions)


def decode_document(raw: bytes, file: str) -> Document:
    """Parse a YAML file's bytes (read from disk or from git), refusing oversized and non-UTF-8 input."""
    if len(raw) > MAX_BYTES:
        raise InvalidProcess([Problem(Location(file), f"the file is {len(raw)} bytes; the limit is {MAX_BYTES} bytes")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        where = _offset_location(file, raw, error.start)
        raise InvalidProcess([Problem(where, f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x})")]) from None
    return parse_text(text, file)
