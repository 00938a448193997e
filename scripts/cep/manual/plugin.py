"""The `cep` mkdocs plugin: loads the process once per build (failing with FILE:LINE:COL messages) and puts it
where the macros and the theme find it."""

from __future__ import annotations

import contextlib
import html
import json
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cached_property
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache
from jinja2.bccache import Bucket
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.theme import Theme

from ..definition import DEFAULT_PROCESS
from ..definition.loader import load_process, schema_for
from ..definition.model import Process
from ..output import build_year, dump_json
from ..problems import InvalidProcess, render_text
from ..spec.gherkin import Feature
from .config import STANDARD_DOCS, STANDARD_OVERRIDES
from .performance import Page
from .playbooks import playbook_pages, set_nav

JIRA_BUNDLE = "downloads/jira-bundle.json"
TEMPLATE_CACHE = ".cache/cep/templates"  # beside mkdocs.yml, where mkdocs-material's plugins keep theirs


class _TemplateCache(FileSystemBytecodeCache):
    """The theme's templates compiled once and kept between builds (Jinja checks each against its source); a
    cache that cannot be written is simply not kept."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


class ManualConfig(Config):
    root = config_options.Type(str, default="")  # where process, features and report are; default: beside mkdocs.yml
    process = config_options.Type(str, default=str(DEFAULT_PROCESS))
    schema = config_options.Optional(config_options.Type(str))  # default: the loader's choice
    features = config_options.Type(str, default="features")
    report = config_options.Type(str, default="reports/cucumber.json")
    performance = config_options.Type(str, default="")  # a `cep report --out` folder; none: a labelled sample


def _add_standard_pages(files: Files, config: MkDocsConfig) -> None:
    """Every standard page and asset the repository's docs/ does not replace."""
    from mkdocs.structure.files import File

    for path in sorted(STANDARD_DOCS.rglob("*")):
        uri = path.relative_to(STANDARD_DOCS).as_posix()
        if path.is_file() and files.get_file_from_path(uri) is None:
            files.append(File(uri, str(STANDARD_DOCS), config.site_dir, config.use_directory_urls))


class ManualPlugin(BasePlugin[ManualConfig]):
    process: Process
    root: Path
    _svgs: dict[str, Future[bytes]]

    def svg(self, name: str) -> str:
        """A diagram as SVG with placeholder links, drawn once per build (Graphviz started at configuration)."""
        from ..diagrams import DotMissing

        try:
            return self._svgs[name].result().decode("utf-8")
        except DotMissing as missing:
            raise PluginError(str(missing)) from None

    def _draw_diagrams(self) -> None:
        # `dot` runs as a separate program: drawing in threads overlaps it with the rest of the build.
        from ..diagrams import DIAGRAMS, render

        self._drawing = ThreadPoolExecutor(max_workers=len(DIAGRAMS), thread_name_prefix="cep-dot")
        self._svgs = {name: self._drawing.submit(render, self.process, name) for name in DIAGRAMS}

    def _start_figures(self) -> None:
        # Simulating the sample and the capacity sweep takes seconds: started at configuration, beside the pages.
        self._figures = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cep-figures")
        self._performance = self._figures.submit(self._performance_page)
        self._capacity = self._figures.submit(self._capacity_page)

    def _performance_page(self) -> Page:
        import duckdb

        from ..report.lived_path import lived_path
        from .performance import performance_page, sample_summary

        if not self.config.performance:
            return performance_page(sample_summary(self.process, self._definition()), "", True, self.process)
        folder = self.root / self.config.performance
        summary = folder / "summary.json"
        try:
            data = json.loads(summary.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise PluginError(f"{summary}: error: cannot read a cep report summary: {error}") from None
        try:
            data["directly_follows"] = lived_path(folder)
        except (OSError, duckdb.Error) as error:
            raise PluginError(f"{folder}: error: cannot read the report's event log: {error}") from None
        return performance_page(data, self.config.performance, False, self.process)

    def _capacity_page(self) -> Page:
        from .performance import capacity_page, capacity_sweep

        return capacity_page(*capacity_sweep(self.process, self._definition()), self.process)

    def _definition(self) -> bytes:
        return (self.root / self.config.process).read_bytes()

    def figures(self, page: str) -> Page:
        """The Performance or Capacity page, once made."""
        return (self._performance if page == "performance" else self._capacity).result()

    def _cache_compiled_templates(self, theme: Theme) -> None:
        """Every Jinja environment the theme makes (mkdocs' own, and the print page's, which makes its own)
        keeps its compiled templates between builds: compiling mkdocs-material's templates twice is a fifth of a
        build. Wrapping `Theme.get_env` is the one place that reaches both."""
        make_env, cache = theme.get_env, self.root / TEMPLATE_CACHE

        def get_env() -> Environment:
            env = make_env()
            with contextlib.suppress(OSError):
                cache.mkdir(parents=True, exist_ok=True)
                ignore = cache.parent / ".gitignore"  # like pytest's and ruff's caches: never committed by mistake
                if not ignore.exists():
                    ignore.write_text("# made by cep build\n*\n", encoding="utf-8")
                env.bytecode_cache = _TemplateCache(str(cache))
            return env

        theme.get_env = get_env  # type: ignore[method-assign]

    def on_page_content(self, html, page, config, files):  # type: ignore[no-untyped-def]
        # Macros have run for this page by now; a name the process does not define fails the build here, cleanly.
        if self.page_problems:
            raise PluginError("\n".join(self.page_problems))
        return html

    def on_post_build(self, config):  # type: ignore[no-untyped-def]
        self._drawing.shutdown()
        self._figures.shutdown()

    def on_build_error(self, error):  # type: ignore[no-untyped-def]
        for pool in (getattr(self, "_drawing", None), getattr(self, "_figures", None)):
            if pool is not None:
                pool.shutdown(cancel_futures=True)

    @cached_property
    def features(self) -> list[Feature]:
        """The executable specification's scenarios, read once per build (two pages show them)."""
        from ..spec.gherkin import read_features

        return read_features(self.root / self.config.features)

    @cached_property
    def bundle(self) -> dict[str, Any]:
        """The Jira bundle, generated once per build, exactly as `cep jira export` writes it."""
        from ..jira import jira_bundle

        year = build_year()
        return jira_bundle(self.process, [year, year + 1])

    def on_files(self, files, config):  # type: ignore[no-untyped-def]
        from mkdocs.structure.files import File

        from ..diagrams import DIAGRAMS
        from ..diagrams.style import place

        _add_standard_pages(files, config)
        for name in DIAGRAMS:
            files.append(File.generated(config, f"diagrams/{name}.svg", content=place(self.svg(name), "../")))
        files.append(File.generated(config, JIRA_BUNDLE, content=dump_json(self.bundle)))
        for path, markdown in playbook_pages(self.process).items():
            files.append(File.generated(config, path, content=markdown))
        for page in ("performance", "capacity"):
            for path, svg in self.figures(page).charts.items():
                files.append(File.generated(config, path, content=svg))
        return files

    def on_config(self, config):  # type: ignore[no-untyped-def]
        self.page_problems: list[str] = []
        self.root = Path(self.config.root or Path(config.config_file_path).parent).resolve()
        path = self.root / self.config.process
        self.schema = schema_for(path, self.root / self.config.schema if self.config.schema else None)
        try:
            self.process = load_process(path, self.schema, display=self.config.process)
        except InvalidProcess as invalid:
            raise PluginError("the process definition is invalid:\n" + render_text(invalid.problems)) from None
        except OSError as error:
            raise PluginError(f"{self.config.process}: error: cannot read: {error.strerror}") from None
        meta = self.process.meta
        owner = next((r.name for r in self.process.roles if r.id == meta.owner), meta.owner)
        set_nav(config.nav, self.process)
        config.site_name = html.escape(config.site_name or meta.name)  # the theme writes it as HTML
        # The standard templates come after the repository's own (its custom_dir) and before the theme's.
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(STANDARD_OVERRIDES))
        self._draw_diagrams()
        self._start_figures()
        self._cache_compiled_templates(config.theme)
        config.copyright = html.escape(  # the theme writes the copyright as HTML
            f"{meta.name} — process version {meta.version} · owner: {owner} · last reviewed {meta.last_reviewed}"
        )
        return config
