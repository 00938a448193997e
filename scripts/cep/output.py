"""Writing generated output whole or not at all: build into a temporary directory, then move it into place."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def build_year() -> int:
    """The year the build happens in; SOURCE_DATE_EPOCH pins it, for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), UTC).year if epoch else datetime.now(UTC).year


def dump_json(data: Any) -> str:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8 text, newline at the end."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_tree(target: Path, files: Mapping[str, bytes]) -> None:
    """Replace directory `target` with exactly `files`; readers never see a half-written directory."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; the result is an ordinary directory
    try:
        for name, content in sorted(files.items()):
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(content)
        old = staging.with_name(staging.name + "-old")
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_file(target: Path, content: bytes) -> None:
    """Replace file `target` atomically (write beside it, then rename)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
