"""JSON Schema validation of a Document, each error placed at the node (or key) it is about."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import SchemaError, ValidationError

from ..problems import Location, Problem, did_you_mean
from .document import Document, describe

_JSON_TYPES = {
    dict: "a mapping",
    list: "a list",
    str: "text",
    bool: "true or false",
    int: "a number",
    float: "a number",
    type(None): "nothing (null)",
}
_SCHEMA_TYPES = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
    "null": "nothing (null)",
}


def parse_schema(raw: bytes, path: Path) -> dict[str, Any]:
    """The JSON Schema in `raw`, read from `path`; SchemaFileError (located) if it is not JSON."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise SchemaFileError(Location(str(path), error.lineno, error.colno), f"not valid JSON: {error.msg}") from None
    except UnicodeDecodeError:
        raise SchemaFileError(Location(str(path)), "not UTF-8 text") from None


class SchemaFileError(ValueError):
    """A schema file that cannot be used, with where and why."""

    def __init__(self, location: Location, why: str) -> None:
        super().__init__(why)
        self.problem = Problem(location, f"the schema is {why}")


def check_schema(schema: Any, path: Path) -> None:
    """Raise SchemaFileError if `schema` is not a JSON Schema. As slow as loading a process: the loader calls it
    only when validating with the schema fails."""
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        where = "/".join(str(part) for part in error.absolute_path)
        raise SchemaFileError(
            Location(str(path)), f"not a JSON Schema: {error.message}" + (f" (at {where})" if where else "")
        ) from None


def _problems(doc: Document, error: ValidationError) -> list[Problem]:
    path = tuple(error.absolute_path)
    where = doc.locate(path)
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    instance = error.instance
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        known = schema.get("properties", {})
        return [
            Problem(
                doc.locate((*path, key), key=True),
                f"unknown key '{key}' in {describe(path)}",
                did_you_mean(key, known),
            )
            for key in instance
            if key not in known
        ]
    if error.validator == "required":
        missing = str(error.message).split("'")[1]
        return [Problem(where, f"missing required key '{missing}' in {describe(path)}")]
    if error.validator == "enum":
        options = ", ".join(str(o) for o in error.validator_value)
        return [
            Problem(
                where, f"'{_shown(instance)}' is not one of: {options}", did_you_mean(instance, error.validator_value)
            )
        ]
    if error.validator == "type":
        wanted = _SCHEMA_TYPES.get(str(error.validator_value), str(error.validator_value))
        return [Problem(where, f"{describe(path)} must be {wanted}, not {_JSON_TYPES.get(type(instance), 'this')}")]
    if error.validator == "pattern":
        return [
            Problem(where, f"'{_shown(instance)}' is not valid for {describe(path)}: {schema.get('description', '')}")
        ]
    if error.validator in ("minItems", "minProperties", "minLength"):
        return [Problem(where, f"{describe(path)} must not be empty")]
    if error.validator == "uniqueItems":
        return [Problem(where, f"{describe(path)} lists the same value twice")]
    return [Problem(where, f"{describe(path)}: {error.message}")]


@functools.lru_cache(maxsize=256)
def _ecma_pattern(pattern: str) -> re.Pattern[str]:
    """A schema pattern with ECMA-262's meaning of a final `$`, the end of the text: Python's `$` also matches
    before a final newline, which would let 'tier-1\\n' pass as an id."""
    return re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith("\\$") else pattern)


def _pattern(validator: Any, pattern: str, instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _ecma_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = validators.extend(Draft202012Validator, {"pattern": _pattern})


def _shown(value: Any) -> str:
    """A value quoted on one line: control characters (a newline, a NUL) written as escapes."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(value))


def validate_schema(doc: Document, schema: Mapping[str, Any]) -> list[Problem]:
    """Every schema error of the document, as located problems."""
    validator = _Validator(schema)
    return [problem for error in validator.iter_errors(doc.data) for problem in _problems(doc, error)]
