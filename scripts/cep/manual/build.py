"""`cep build`: build the manual strictly, in-process, into a temporary directory and move it into place."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from ..definition import DEFAULT_PROCESS


def _last_change(process: Path) -> str:
    """When the process definition last changed in git, so that dates in the site do not depend on the day."""
    try:
        done = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", process.name],
            cwd=process.parent,
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except OSError:
        return "0"
    return done.stdout.strip() or "0"


def _mkdocs_build(config_file: Path, site_dir: Path, process: Path | None) -> bool:
    """`mkdocs build --strict`, in this process; warnings and errors go to stderr as mkdocs prints them."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    handler.setLevel(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        config = load_config(str(config_file), site_dir=str(site_dir), strict=True)
        if process is not None:  # the definition named on the command line, in place of mkdocs.yml's
            config.plugins["cep"].config.process = str(process.resolve())
        build(config)
        return True
    except MkDocsException as error:
        print(f"ERROR   -  {error}", file=sys.stderr)
        return False
    except SystemExit:  # mkdocs-macros exits after reporting a page it cannot render
        return False
    finally:
        logger.removeHandler(handler)


def build_site(config: Path, site_dir: Path, process: Path | None = None) -> int:
    """Build the manual (of `process`, else of the definition mkdocs.yml names); on success replace `site_dir`
    whole, on failure leave it untouched. Exit code."""
    from ..output import replace_directory

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ.setdefault("SOURCE_DATE_EPOCH", _last_change(process or config.resolve().parent / DEFAULT_PROCESS))
    keep = (process,) if process else ()
    built = replace_directory(
        site_dir, "cep build", lambda staging: _mkdocs_build(config.resolve(), staging, process), keep
    )
    return 0 if built else 1
