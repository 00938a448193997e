"""`cep build`: validate, then build the manual strictly into a temporary directory and move it into place."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def _last_change(root: Path) -> str:
    """When the process definition last changed in git, so that dates in the site do not depend on the day."""
    try:
        done = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", "process/escalation.yaml"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except OSError:
        return "0"
    return done.stdout.strip() or "0"


def build_site(config: Path, site_dir: Path) -> int:
    """Run `mkdocs build --strict`; on success replace `site_dir` whole, on failure leave it untouched."""
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".cep-site-", dir=site_dir.parent))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.setdefault("SOURCE_DATE_EPOCH", _last_change(config.resolve().parent))
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "--strict",
                "--quiet",
                "--config-file",
                str(config),
                "--site-dir",
                str(staging / "site"),
            ],
            env=env,
            check=False,
        )
        if done.returncode != 0:
            return 1
        old = staging / "old"
        if site_dir.exists():
            site_dir.rename(old)
        (staging / "site").rename(site_dir)
        return 0
    finally:
        shutil.rmtree(staging, ignore_errors=True)
