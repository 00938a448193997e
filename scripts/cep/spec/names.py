"""The names and times scenarios give the process's tiers, clocks, templates and fields, read back to the model:
shared by the step vocabulary and by `cep check`, which derives from the same words what each scenario asserts."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from ..definition.model import Process, Template, UnknownName
from ..routing.router import normalise_field

T = TypeVar("T")
_LOCAL = re.compile(r"^(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+)?(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})$")


def plain(text: str) -> str:
    return re.sub(r"^(the|a|an)\s+", "", text.strip().lower())


def _named(
    kind: str, name: str, items: Iterable[T], spellings: Callable[[T], tuple[str, ...]], shown: Callable[[T], str]
) -> T:
    """The item whose id or name (any of its `spellings`, in lower case) the scenario wrote, else UnknownName."""
    wanted = plain(name)
    items = tuple(items)
    for item in items:
        if wanted in spellings(item):
            return item
    raise UnknownName(kind, name, [shown(item) for item in items])


def tier_id(process: Process, name: str) -> str:
    tiers = process.tiers
    return _named(
        "tier", name, tiers, lambda t: (t.id.lower(), t.name.lower(), t.short_name.lower()), lambda t: t.short_name
    ).id


def trigger_id(process: Process, name: str) -> str:
    """A trigger by the name the manual gives it (or its id)."""
    return _named("trigger", name, process.triggers, lambda t: (t.id.lower(), t.name.lower()), lambda t: t.name).id


def handover_id(process: Process, name: str) -> str:
    handovers = process.handovers
    return _named("hand-over", name, handovers, lambda h: (h.id.lower(), h.name.lower()), lambda h: h.name).id


def role_id(process: Process, name: str) -> str:
    return _named("role", name, process.roles, lambda r: (r.id.lower(), r.name.lower()), lambda r: r.name).id


def clock_id(process: Process, name: str) -> str:
    clocks = process.clocks.items()
    found = _named(
        "clock", name, clocks, lambda c: (c[0], c[0].replace("_", " "), c[1].name.lower()), lambda c: c[1].name
    )
    return found[0]


def template_of(process: Process, name: str) -> Template:
    templates = process.templates
    return _named("template", name, templates, lambda t: (t.id.lower(), t.name.lower()), lambda t: t.name)


def field_id(template: Template, name: str) -> str:
    wanted = normalise_field(name)
    for f in template.fields:
        if wanted in (f.id, normalise_field(f.name)):
            return f.id
    raise UnknownName(f"field of the {template.name}", name, [f.name for f in template.fields])


def moment(text: str, process: Process) -> datetime:
    """'Fri 2026-11-27 16:00' in the process's (first) calendar's zone, or an ISO 8601 time with offset."""
    match = _LOCAL.match(text.strip())
    if not match:
        parsed = datetime.fromisoformat(text)
        assert parsed.tzinfo, f"'{text}' needs a UTC offset, or write it like 'Fri 2026-11-27 16:00'"
        return parsed
    weekday, day, clock = match.groups()
    local = datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=ZoneInfo(process.calendars[0].time_zone))
    assert weekday is None or local.strftime("%a") == weekday, f"{day} is a {local:%A}, not a {weekday}"
    return local
