"""What changes in the generated Jira bundle: a path-by-path comparison of the two bundles' JSON, where lists of
named things are matched by name rather than by position."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_IDENTITY = ("id", "name", "key")


@dataclass(frozen=True)
class JsonChange:
    path: str  # e.g. fields[name=CEP Template].description
    kind: str  # added, removed, changed
    old: Any = None
    new: Any = None


def _identity(items: list[Any]) -> str | None:
    """The key that names every item of a list uniquely, if there is one: an item's own, or that of a record it
    wraps (an automation rule is {"rule": {"name": …}}, a field {"field": {"name": …}, "context": …})."""
    first = items[0] if items and isinstance(items[0], dict) else {}
    wrapped = [f"{child}.{key}" for child, value in first.items() if isinstance(value, dict) for key in _IDENTITY]
    for key in (*_IDENTITY, *wrapped):
        values = [_dig(item, key) for item in items]
        if all(isinstance(v, str | int) for v in values) and len(set(values)) == len(values):
            return key
    return None


def _keyed(items: list[Any], key: str | None) -> dict[str, Any]:
    if key is None:
        return {f"[{i}]": item for i, item in enumerate(items)}
    return {f"[{key}={_dig(item, key)}]": item for item in items}


def _dig(item: Any, dotted: str) -> Any:
    for step in dotted.split("."):
        item = item.get(step) if isinstance(item, dict) else None
    return item


def json_changes(old: Any, new: Any, path: str = "") -> list[JsonChange]:
    if isinstance(old, dict) and isinstance(new, dict):
        pairs = {f".{k}" if path else k: (old.get(k, _MISSING), new.get(k, _MISSING)) for k in {**old, **new}}
    elif isinstance(old, list) and isinstance(new, list):
        key = _identity(old) if _identity(old) == _identity(new) else None
        a, b = _keyed(old, key), _keyed(new, key)
        pairs = {k: (a.get(k, _MISSING), b.get(k, _MISSING)) for k in {**a, **b}}
    else:
        return [] if old == new else [JsonChange(path, "changed", old, new)]
    changes = []
    for step, (a, b) in pairs.items():
        here = f"{path}{step}"
        if a is _MISSING:
            changes.append(JsonChange(here, "added", new=b))
        elif b is _MISSING:
            changes.append(JsonChange(here, "removed", old=a))
        else:
            changes += json_changes(a, b, here)
    return changes


_MISSING: Any = object()
