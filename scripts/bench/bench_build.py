"""`cep build` wall time against a plain `mkdocs build` of the same pages with their macro output pre-rendered to
static Markdown (the floor for this site): as rebuilt (the theme's compiled templates kept in .cache/ by the
previous build) and as a first build."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import yaml
from common import BIN, ROOT, interleaved_medians, median_seconds, report

from cep.manual.config import STANDARD_DOCS, STANDARD_OVERRIDES

CAPTURE_HOOK = """
from pathlib import Path
OUT = Path(__file__).parent / "rendered"

def on_page_markdown(markdown, page, **kwargs):
    target = OUT / page.file.src_uri
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(markdown, encoding="utf-8")
    return markdown
"""


def _config(work: Path) -> dict:
    """The settings `cep build` uses in `work`, as one mkdocs.yml would hold them."""
    from cep.manual.config import compose

    config = compose(work / "mkdocs.yml")
    config["plugins"] = [{"cep": {"root": str(work)}} if p == "cep" else p for p in config["plugins"]]
    return config


def prepare(work: Path) -> Path:
    """A copy of the project and, beside it, the pre-rendered pages and their mkdocs.yml (returned)."""
    for part in ("mkdocs.yml", "docs", "process", "features"):
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, work / part)
    (work / "capture.py").write_text(CAPTURE_HOOK)
    config = _config(work)
    config["hooks"] = ["capture.py"]
    (work / "capture.yml").write_text(yaml.safe_dump(config, allow_unicode=True))
    median_seconds([str(BIN / "mkdocs"), "build", "-q", "-f", str(work / "capture.yml"), "-d", str(work / "x")], runs=1)
    rendered = work / "rendered"
    shutil.copytree(STANDARD_DOCS / "stylesheets", rendered / "stylesheets")
    floor = _config(work)
    floor["docs_dir"] = "rendered"
    floor["theme"]["custom_dir"] = str(STANDARD_OVERRIDES)
    floor["plugins"] = [p for p in floor["plugins"] if not (isinstance(p, dict) and ("cep" in p or "macros" in p))]
    floor["strict"] = False
    floor["site_name"] = "floor"
    (work / "floor.yml").write_text(yaml.safe_dump(floor, allow_unicode=True))
    return work / "floor.yml"


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        floor_config = prepare(work)
        floor_build = [str(BIN / "mkdocs"), "build", "-q", "-f", str(floor_config), "-d", str(work / "f")]
        build = [str(BIN / "cep"), "build", "--config", str(work / "mkdocs.yml"), "--site-dir", str(work / "s")]
        first_build = ["sh", "-c", f'rm -rf "{work / ".cache"}" && exec "$@"', "cep-build", *build]
        # In each round the rebuild finds the compiled theme templates the previous round's first build left.
        floor, built, first = interleaved_medians([floor_build, build, first_build])
    report("cep build vs mkdocs build of pre-rendered pages", built, floor)
    report("  the first build (no .cache/ yet)", first, floor)
    sys.exit(0)
