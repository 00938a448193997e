"""`cep build` and `cep serve`: the manual, built strictly in-process from the standard settings and the
repository's own (cep.manual.config); a build goes into a temporary directory and is moved into place."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..definition import DEFAULT_PROCESS
from ..problems import UsageError

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


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


class _Settings(io.StringIO):
    """An empty mkdocs.yml that can be read again: the settings themselves are given as options, and `mkdocs
    serve` reopens its configuration at every rebuild (and closes it after reading)."""

    def close(self) -> None:
        self.seek(0)


def _options(config_file: Path, process: Path | None) -> dict[str, Any]:
    """load_config's arguments: the composed settings, with the definition named on the command line."""
    from .config import compose

    settings = compose(config_file)
    root = config_file.resolve().parent
    cep = {"root": str(root), **({"process": str(process.resolve())} if process else {})}
    settings["plugins"] = [
        {"cep": {**(entry["cep"] or {}), **cep}}
        if isinstance(entry, dict) and "cep" in entry
        else {"cep": cep}
        if entry == "cep"
        else entry
        for entry in settings["plugins"]
    ]
    return {"config_file": _Settings("{}"), "config_file_path": str(config_file.resolve()), **settings}


def _mkdocs_build(options: dict[str, Any], site_dir: Path) -> bool:
    """`mkdocs build --strict`, in this process; warnings and errors go to stderr as mkdocs prints them."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    if not logging.getLogger().handlers:
        # The print-site plugin logs on the root logger, whose first use would otherwise set up a handler that
        # prints every INFO line of mkdocs.
        logging.getLogger().addHandler(logging.NullHandler())
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    handler.setLevel(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        build(load_config(**{**options, "site_dir": str(site_dir), "strict": True}))
        return True
    except MkDocsException as error:
        print(f"ERROR   -  {error}", file=sys.stderr)
        return False
    except SystemExit:  # mkdocs-macros exits after reporting a page it cannot render
        return False
    finally:
        logger.removeHandler(handler)


def _prepare(config_file: Path, process: Path | None) -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ.setdefault("SOURCE_DATE_EPOCH", _last_change(process or config_file.resolve().parent / DEFAULT_PROCESS))


def serve_site(config_file: Path, address: str, process: Path | None = None) -> int:
    """The manual served as `mkdocs serve` serves it, rebuilt and reloaded in the browser when the definition,
    the features, the repository's pages or its mkdocs.yml change. Each rebuild composes the settings again
    (mkdocs' own serve would reuse option objects its validation has consumed)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    _prepare(config_file, process)
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    host, _, port = address.rpartition(":")
    url = f"http://{address}/"
    with tempfile.TemporaryDirectory(prefix="cep-serve-") as site_dir:

        def configure() -> MkDocsConfig:
            config = load_config(**{**_options(config_file, process), "site_dir": site_dir, "dev_addr": address})
            config.site_url = url
            return config

        def builder(config: MkDocsConfig | None = None) -> None:
            build(config or configure(), serve_url=url)

        config = configure()
        config.plugins.on_startup(command="serve", dirty=False)
        server = LiveReloadServer(builder=builder, host=host, port=int(port), root=site_dir)
        try:
            builder(config)
            root = config_file.resolve().parent
            watched = (config.docs_dir, config_file, process or root / DEFAULT_PROCESS, root / "features")
            for path in watched:
                if Path(path).exists():
                    server.watch(str(path))
            server.serve()
        except KeyboardInterrupt:
            pass
        except OSError as error:  # the address is taken, or not this machine's
            raise UsageError(f"cep serve: error: cannot serve on {address}: {error.strerror or error}") from None
        finally:
            server.shutdown()
            config.plugins.on_shutdown()
    return 0


def build_site(config: Path, site_dir: Path, process: Path | None = None) -> int:
    """Build the manual (of `process`, else of the definition mkdocs.yml names); on success replace `site_dir`
    whole, on failure leave it untouched. Exit code."""
    from ..output import replace_directory

    _prepare(config, process)
    options = _options(config, process)
    keep = (process,) if process else ()
    built = replace_directory(site_dir, "cep build", lambda staging: _mkdocs_build(options, staging), keep)
    return 0 if built else 1
