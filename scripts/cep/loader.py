"""The one path from a file to a Process: read → schema → model → checks. Raises InvalidProcess once."""

from __future__ import annotations

from pathlib import Path

from .checks import check
from .model import Process, build_process
from .problems import InvalidProcess, Location, Problem
from .schema import SchemaFileError, check_schema, load_schema, validate_schema
from .source import decode_document, read_document


def load_process(path: Path, schema_path: Path, *, display: str | None = None, content: bytes | None = None) -> Process:
    """Load and fully validate a process definition; raise InvalidProcess listing every problem.

    `content`, when given, is the file's text as read elsewhere (from a git revision): `path` is not read then."""
    file = display or str(path)
    try:
        schema = load_schema(schema_path)
    except OSError as error:
        raise InvalidProcess(
            [Problem(Location(str(schema_path)), f"cannot read the schema: {error.strerror}")]
        ) from None
    except SchemaFileError as error:
        raise InvalidProcess([error.problem]) from None
    document = read_document(path, file) if content is None else decode_document(content, file)
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
    process, problems = build_process(document)
    problems = problems or check(process)
    if problems:
        raise InvalidProcess(problems)
    return process
