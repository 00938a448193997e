"""The manual's mkdocs configuration: the standard one shipped with cep (`standard/`), with a repository's own
mkdocs.yml, when it has one, laid over it.

The repository's settings win; its `nav`, `extra_css` and `extra_javascript` entries are added after the standard
ones; its `plugins` and `markdown_extensions` are added too, an entry replacing the standard one of the same name;
its `theme` settings replace the standard ones key by key. Its `docs/` pages add to the standard pages or replace
one by path (the cep plugin adds every standard page the repository does not have).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..problems import UsageError

STANDARD = Path(__file__).parent / "standard"
STANDARD_DOCS = STANDARD / "docs"
STANDARD_OVERRIDES = STANDARD / "overrides"
ADDED = ("nav", "extra_css", "extra_javascript")
BY_NAME = ("plugins", "markdown_extensions")


def _read(path: Path) -> dict[str, Any]:
    """A mkdocs.yml as mkdocs reads it (!ENV, INHERIT and python tags included); errors as FILE:LINE:COL."""
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    try:
        with path.open("rb") as file:
            loaded = yaml_load(file, loader=get_yaml_loader())
    except OSError as error:
        raise UsageError(f"{path}: error: cannot read: {error.strerror or error}") from None
    except ConfigurationError as error:  # mkdocs wraps the YAML parser's error
        cause = error.__cause__ or error.__context__
        mark = cause.problem_mark if isinstance(cause, yaml.MarkedYAMLError) else None
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = cause.problem if isinstance(cause, yaml.MarkedYAMLError) else error
        raise UsageError(f"{where}: error: {problem}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise UsageError(f"{path}:1:1: error: expected a mapping of mkdocs settings")
    return loaded


def _name(entry: Any) -> str:
    return next(iter(entry)) if isinstance(entry, dict) else str(entry)


def _by_name(standard: list[Any], own: list[Any]) -> list[Any]:
    replaced = {_name(entry): entry for entry in own}
    kept = [replaced.pop(_name(entry), entry) for entry in standard]
    return kept + [entry for entry in own if _name(entry) in replaced]


def compose(config_file: Path) -> dict[str, Any]:
    """The settings for one build: standard, then the repository's mkdocs.yml (`config_file`, if it exists).
    Paths are absolute, so that the result means the same wherever mkdocs is started."""
    merged = _read(STANDARD / "mkdocs.yml")
    own = _read(config_file) if config_file.is_file() else {}
    for key, value in own.items():
        if key in ADDED and isinstance(value, list):
            merged[key] = [*merged.get(key, []), *value]
        elif key in BY_NAME and isinstance(value, list):
            merged[key] = _by_name(merged.get(key, []), value)
        elif key == "theme" and isinstance(value, dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    root = config_file.resolve().parent
    docs = root / merged.get("docs_dir", "docs")
    merged["docs_dir"] = str(docs if docs.is_dir() else STANDARD_DOCS)
    merged.setdefault("site_name", "")  # the cep plugin names the site after the process
    return merged
