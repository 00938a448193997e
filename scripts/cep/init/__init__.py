"""`cep init`: start a repository that keeps its escalation process with cep — a commented starter definition,
a starter specification written from it (starter_spec), the CI workflow, pre-commit hooks and a README. It
writes only files that do not exist yet, all or none."""

from __future__ import annotations

import os
import re
import subprocess
from importlib.resources import files
from pathlib import Path
from typing import TextIO

import yaml

from .. import __version__
from ..definition import DEFAULT_PROCESS, SCHEMA_BESIDE
from ..problems import EXIT_OK, UsageError

STARTER = files(__package__) / "starter"
FEATURES = Path("features")
STARTER_HEADER = """\
# Your team's escalation process: the one source of its manual, diagrams, Jira configuration and specification.
# Change the process here, then `cep validate`, `cep check` and `cep spec` tell you what the change means.
"""


def _with_modeline(text: str) -> bytes:
    """The definition, its first line naming the schema written beside it (for editors' YAML language server)."""
    if not text.startswith("# yaml-language-server:"):
        text = f"# yaml-language-server: $schema={SCHEMA_BESIDE.as_posix()}\n" + text
    return text.encode("utf-8")


def _starter_definition() -> str:
    """The default process, its opening comment addressed to the team that adopts it."""
    modeline, _, rest = (STARTER / "escalation.yaml").read_text(encoding="utf-8").partition("\n")
    return modeline + "\n" + STARTER_HEADER + re.sub(r"\A(#.*\n)+", "", rest)


def _hooks() -> str:
    """pre-commit hooks that run the cep installed beside them: cep's own hook definitions, run locally."""
    hooks = yaml.safe_load((STARTER / "pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    config = {"repos": [{"repo": "local", "hooks": [{**hook, "language": "system"} for hook in hooks]}]}
    return (
        "# pre-commit (https://pre-commit.com): run `pre-commit install` once, and every commit that touches the\n"
        "# process is validated and checked first, by the cep installed in your environment.\n"
        + yaml.safe_dump(config, sort_keys=False, width=120)
    )


def _workflow() -> str:
    text = (STARTER / "process.yml").read_text(encoding="utf-8")
    return re.sub(r"(?m)^(  CEP_PACKAGE: ).*$", rf'\g<1>"cep[docs,test]=={__version__}"', text, count=1)


def scaffold(source: Path | None) -> dict[Path, bytes]:
    """Every file `cep init` writes (path relative to the new repository → content); `source` is a definition
    to start from (checked first: FILE:LINE:COL problems), else the default process."""
    from ..definition.loader import load_named, load_process
    from ..output import build_year
    from .starter_spec import starter_features

    if source is not None:
        process = load_named(source)
        definition = _with_modeline(source.read_bytes().decode("utf-8"))
    else:
        definition = _with_modeline(_starter_definition())
        process = load_process(Path(str(STARTER / "escalation.yaml")), display=str(DEFAULT_PROCESS))
    schema = (files("cep.definition") / "process.schema.json").read_bytes()
    readme = (STARTER / "README.md").read_text(encoding="utf-8").format(name=process.meta.name, version=__version__)
    specification = starter_features(process, DEFAULT_PROCESS.as_posix(), build_year())
    return {
        DEFAULT_PROCESS: definition,
        DEFAULT_PROCESS.parent / SCHEMA_BESIDE: schema,
        **{FEATURES / name: text.encode("utf-8") for name, text in specification.items()},
        Path(".github/workflows/process.yml"): _workflow().encode("utf-8"),
        Path(".pre-commit-config.yaml"): _hooks().encode("utf-8"),
        Path(".gitignore"): b"# made by cep: the built manual, caches and reports\n/site/\n.cache/\n/reports/\n",
        Path("README.md"): readme.encode("utf-8"),
    }


def _write_all(target: Path, contents: dict[Path, bytes]) -> None:
    """Write every file or none: each is written beside its place and linked in, which fails rather than replace
    a file that appeared meanwhile; on any failure the ones already placed are removed again."""
    placed: list[Path] = []
    try:
        for relative, content in contents.items():
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            staging = path.with_name(f".{path.name}.cep-init-{os.getpid()}")
            try:
                staging.write_bytes(content)
                os.link(staging, path)
            finally:
                staging.unlink(missing_ok=True)
            placed.append(path)
    except BaseException:
        for path in placed:
            path.unlink(missing_ok=True)
        raise


def _in_git_work_tree(target: Path) -> bool:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree"], cwd=target, capture_output=True, text=True, check=False
        )
    except OSError:
        return False
    return done.stdout.strip() == "true"


def initialise(target: Path, source: Path | None, out: TextIO) -> int:
    """`cep init [DIR] [--from FILE]`. Exit code."""
    contents = scaffold(source)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target}: error: not a directory")
    existing = sorted(str(p) for p in contents if (target / p).exists() or (target / p).is_symlink())
    if existing and len(existing) == len(contents):
        out.write(f"nothing to do: {target} already has every file cep init writes, and it never replaces one\n")
        return EXIT_OK
    if existing:
        raise UsageError(
            f"cep init: error: nothing written: {target} has these already, and cep init never replaces a file: "
            + ", ".join(existing)
            + " (move them aside, or give another DIR)"
        )
    target.mkdir(parents=True, exist_ok=True)
    try:
        _write_all(target, contents)
    except OSError as error:
        raise UsageError(f"cep init: error: nothing written: {error.filename or target}: {error.strerror}") from None
    if not _in_git_work_tree(target):
        try:
            subprocess.run(["git", "init", "-q"], cwd=target, check=True, capture_output=True)
            out.write(f"made a git repository in {target}\n")
        except (OSError, subprocess.CalledProcessError):
            out.write(f"{target} is not a git repository, and git could not make one: cep diff needs one\n")
    for path in contents:
        out.write(f"wrote {target / path}\n")
    out.write(
        "next: edit process/escalation.yaml, review features/, run cep validate, cep check, cep spec and cep serve;"
        " see README.md\n"
    )
    return EXIT_OK
