"""The one path from a file to a Process: read → schema → model → checks. Raises InvalidProcess once.

A definition found valid is kept in the cache (`cep.cache`) as the plain data it was read into, so the next
command builds its model from that without parsing YAML, validating or checking again (and without importing
the libraries that do). The entry is named by the definition's and the schema's bytes and by the code that
validated them, so only the very same definition, judged by the very same rules, is taken from it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import cache
from ..problems import InvalidProcess, Location, Problem, UsageError
from . import SCHEMA_BESIDE
from .document import Document, JsonPath, read_definition
from .model import Process, build_process

_Positions = list[tuple[JsonPath, int, int]]


def schema_for(process: Path, given: Path | None = None) -> Path:
    """The schema to validate `process` with: the one asked for, the one beside it (where its modeline points),
    or the one that comes with cep."""
    if given is not None:
        return given
    beside = process.parent / SCHEMA_BESIDE
    return beside if beside.is_file() else Path(__file__).parent / SCHEMA_BESIDE.name


def load_named(path: Path, schema_path: Path | None = None) -> Process:
    """`load_process` for a command: the path shown as the user would write it (relative to the current directory
    when inside it), and a definition that cannot be read a usage error."""
    try:
        shown = str(path.resolve().relative_to(Path.cwd().resolve())) if path.is_absolute() else str(path)
    except ValueError:
        shown = str(path)
    try:
        return load_process(path, schema_path, display=shown)
    except OSError as error:
        raise UsageError(f"{path}: error: cannot read: {error.strerror or error}") from None


def load_process(
    path: Path, schema_path: Path | None = None, *, display: str | None = None, content: bytes | None = None
) -> Process:
    """Load and fully validate a process definition; raise InvalidProcess listing every problem. The schema is
    `schema_path`, else the one `schema_for` chooses.

    `content`, when given, is the file's text as read elsewhere (from a git revision): `path` is not read then."""
    file = display or str(path)
    schema_path = schema_for(path, schema_path)
    try:
        schema = schema_path.read_bytes()
    except OSError as error:
        raise InvalidProcess(
            [Problem(Location(str(schema_path)), f"cannot read the schema: {error.strerror}")]
        ) from None
    raw = read_definition(path, file) if content is None else content
    known = cache.load("process", raw, schema)
    if known is not None:
        return build_process(_document(file, *known))[0]
    document = validated_document(raw, file, schema, schema_path)
    process, problems = build_process(document)
    if not problems:
        from .checks import check

        problems = check(process)
    if problems:
        raise InvalidProcess(problems)
    cache.store("process", _plain(document), raw, schema)
    return process


def validated_document(raw: bytes, file: str, schema_bytes: bytes, schema_path: Path) -> Document:
    """A YAML document (a definition, or another file cep reads) parsed and checked against a JSON Schema,
    problems raised as InvalidProcess (imported here: a cached definition needs neither
    the YAML parser nor the validator)."""
    from .schema import SchemaFileError, check_schema, parse_schema, validate_schema
    from .yaml_source import decode_document

    try:
        schema = parse_schema(schema_bytes, schema_path)
    except SchemaFileError as error:
        raise InvalidProcess([error.problem]) from None
    document = decode_document(raw, file)
    try:
        problems = validate_schema(document, schema)
    except Exception:  # a schema jsonschema cannot use: say what is wrong with it, if that is the reason
        try:
            check_schema(schema, schema_path)
        except SchemaFileError as error:
            raise InvalidProcess([error.problem]) from None
        raise
    if problems:
        raise InvalidProcess(problems)
    return document


def _plain(document: Document) -> tuple[Any, _Positions, _Positions]:
    """A valid document as the cache keeps it: its data and positions, without the file's name."""
    return (
        document.data,
        [(path, at.line, at.col) for path, at in document.positions.items()],
        [(path, at.line, at.col) for path, at in document.key_positions.items()],
    )


def _document(file: str, data: Any, positions: _Positions, key_positions: _Positions) -> Document:
    return Document(
        file,
        data,
        {path: Location(file, line, col) for path, line, col in positions},
        {path: Location(file, line, col) for path, line, col in key_positions},
    )
