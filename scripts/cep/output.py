"""Writing generated output whole or not at all: build into a temporary directory, then move it into place."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .problems import OutputError


def build_year() -> int:
    """The year the build happens in; SOURCE_DATE_EPOCH pins it, for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), UTC).year if epoch else datetime.now(UTC).year


def dump_json(data: Any) -> str:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8 text, newline at the end."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def replace_directory(target: Path, fill: Callable[[Path], bool]) -> bool:
    """`fill` an empty directory beside `target`; if it returns True, that directory replaces `target` whole
    (readers never see a half-written one), else `target` is left as it was. Returns what `fill` returned."""
    target = target.resolve()
    if target.exists() and not target.is_dir():
        raise OutputError(target, "it is a file, not a directory")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    except OSError as error:
        raise OutputError(target, error) from None
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; the result is an ordinary directory
    old = staging.with_name(staging.name + "-old")
    try:
        if not fill(staging):
            return False
        if target.exists():
            target.rename(old)
        staging.rename(target)
        return True
    except OSError as error:
        raise OutputError(target, error) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def write_tree(target: Path, files: Mapping[str, bytes]) -> None:
    """Replace directory `target` with exactly `files`."""

    def fill(staging: Path) -> bool:
        for name, content in sorted(files.items()):
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(content)
        return True

    replace_directory(target, fill)


def write_file(target: Path, content: bytes) -> None:
    """Replace file `target` atomically (write beside it, then rename)."""
    if target.is_dir():
        raise OutputError(target, "it is a directory")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
    except OSError as error:
        raise OutputError(target, error) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, target)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputError(target, error) from None
        raise
