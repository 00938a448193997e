"""Writing generated output whole or not at all, and only over what cep made: build into a staging directory
beside the target, then swap it into place in one step.

A directory that cep writes carries a marker file naming the command that made it; a command replaces a
directory only when it is new, empty, or carries that command's marker, and never the current directory, a
git work tree or one of their parents. A file is replaced only when it is empty or `is_previous` recognises it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .problems import OutputError

MARKER = ".cep-output"  # in every directory cep writes: what made it, so that only that command replaces it
_STAGING = ".cep-staging-"  # staging folders are named `.NAME.cep-staging-PID-RANDOM` beside their target


def build_year() -> int:
    """The year the build happens in; SOURCE_DATE_EPOCH pins it, for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), UTC).year if epoch else datetime.now(UTC).year


def dump_json(data: Any) -> str:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8 text, newline at the end."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _marker_text(command: str) -> str:
    return f"made by {command}; {command} replaces this directory whole\n"


def _refusal(target: Path, command: str, keep: tuple[Path, ...]) -> str | None:
    """Why `command` must not replace directory `target`, or None when it may."""
    here = Path.cwd().resolve()
    if target == here or target in here.parents:
        return "it is the current directory or holds it"
    if any(target in kept.resolve().parents for kept in keep):
        return "it holds the process definition"
    if not target.exists():
        return None
    if not target.is_dir():
        return "it is a file, not a directory"
    if (target / ".git").exists():
        return "it is a git work tree"
    try:
        entries = {entry.name for entry in os.scandir(target)}
    except OSError as error:
        return error.strerror or str(error)
    if not entries:
        return None
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if (target / MARKER).read_text(encoding="utf-8") == _marker_text(command):
            return None
    return f"it is not a directory {command} made (it has no {MARKER} of {command}); remove it or choose another"


def _sweep_stale_staging(parent: Path, name: str) -> None:
    """Remove staging folders that killed runs left beside `name`: those whose process is gone."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(parent):
            head, _, rest = entry.name.partition(_STAGING)
            if head != f".{name}" or not entry.is_dir(follow_symlinks=False):
                continue
            pid = rest.partition("-")[0]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(entry.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: alive
        return True
    return True


def _exchange(staging: Path, target: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    import ctypes
    import errno

    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_cwd, rename_exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(staging), at_cwd, os.fsencode(target), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(target))


def _swap_in(staging: Path, target: Path) -> None:
    """Put `staging` where `target` is; the old `target`, if any, ends up at `staging`."""
    if not target.exists():
        staging.rename(target)
    elif not _exchange(staging, target):  # two renames: a kill between them leaves the old one beside, named
        aside = staging.with_name(staging.name + "-old")
        target.rename(aside)
        staging.rename(target)
        aside.rename(staging)


def replace_directory(target: Path, command: str, fill: Callable[[Path], bool], keep: tuple[Path, ...] = ()) -> bool:
    """`fill` an empty directory beside `target`; if it returns True, that directory (marked as `command`'s)
    replaces `target` whole in one step (readers never see a half-written one, nor none), else `target` is left
    as it was. Returns what `fill` returned. Refuses (OutputError) to replace what `command` did not make, or a
    directory holding one of `keep`."""
    target = target.resolve()
    why = _refusal(target, command, keep)
    if why:
        raise OutputError(target, why)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _sweep_stale_staging(target.parent, target.name)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}{_STAGING}{os.getpid()}-", dir=target.parent))
    except OSError as error:
        raise OutputError(target, error) from None
    try:
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; the result is an ordinary directory
        if not fill(staging):
            return False
        (staging / MARKER).write_text(_marker_text(command), encoding="utf-8")
        _swap_in(staging, target)
        return True
    except OSError as error:
        raise OutputError(target, error) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_tree(target: Path, command: str, files: Mapping[str, bytes], keep: tuple[Path, ...] = ()) -> None:
    """Replace directory `target` with exactly `files` (and the marker of `command`), as `replace_directory`."""

    def fill(staging: Path) -> bool:
        for name, content in sorted(files.items()):
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(content)
        return True

    replace_directory(target, command, fill, keep)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def write_file(target: Path, content: bytes, is_previous: Callable[[Path], bool], keep: tuple[Path, ...] = ()) -> None:
    """Write file `target`: a link is followed, a device or pipe is written into, and a regular file is replaced
    atomically (written beside it, then renamed), keeping its mode; only an empty file, or one `is_previous`
    recognises, is replaced, and never one of `keep`."""
    try:
        status = target.stat()
    except (FileNotFoundError, NotADirectoryError):  # a new file (a folder in the way is said when making it)
        status = None
    except OSError as error:
        raise OutputError(target, error) from None
    if status is not None:
        if stat.S_ISDIR(status.st_mode):
            raise OutputError(target, "it is a directory")
        if not stat.S_ISREG(status.st_mode):  # /dev/stdout, a named pipe: written into, as a shell would
            try:
                with target.open("wb") as out:
                    out.write(content)
            except OSError as error:
                raise OutputError(target, error) from None
            return
    real = Path(os.path.realpath(target))  # a link stays a link: the file it points to is replaced
    if status is not None:
        if any(_same_file(real, kept) for kept in keep):
            raise OutputError(target, "it is the process definition")
        if status.st_size and not is_previous(real):
            raise OutputError(target, "it exists and is not a file this command wrote; remove it or choose another")
    mode = stat.S_IMODE(status.st_mode) if status else 0o666 & ~_umask()
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{real.name}-", dir=real.parent)
    except OSError as error:
        raise OutputError(target, error) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.chmod(temporary, mode)
        os.replace(temporary, real)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputError(target, error) from None
        raise


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False
