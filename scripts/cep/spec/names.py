"""The names and times scenarios give the process's tiers, clocks, templates and fields, read back to the model:
shared by the step vocabulary and by `cep check`, which derives from the same words what each scenario asserts."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from ..definition.model import Process, Template, UnknownName
from ..routing.router import normalise_field

_LOCAL = re.compile(r"^(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+)?(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})$")


def plain(text: str) -> str:
    return re.sub(r"^(the|a|an)\s+", "", text.strip().lower())


def tier_id(process: Process, name: str) -> str:
    wanted = plain(name)
    for tier in process.tiers:
        if wanted in (tier.id.lower(), tier.name.lower(), tier.short_name.lower()):
            return tier.id
    raise UnknownName("tier", name, [t.short_name for t in process.tiers] + [t.id for t in process.tiers])


def trigger_id(process: Process, name: str) -> str:
    """A trigger by the name the manual gives it (or its id)."""
    wanted = plain(name)
    for trigger in process.triggers:
        if wanted in (trigger.id.lower(), trigger.name.lower()):
            return trigger.id
    raise UnknownName("trigger", name, [t.name for t in process.triggers])


def clock_id(process: Process, name: str) -> str:
    wanted = plain(name)
    for key, clock in process.clocks.items():
        if wanted in (key, key.replace("_", " "), clock.name.lower()):
            return key
    raise UnknownName("clock", name, [c.name for c in process.clocks.values()])


def template_of(process: Process, name: str) -> Template:
    wanted = plain(name)
    for template in process.templates:
        if wanted in (template.id.lower(), template.name.lower()):
            return template
    raise UnknownName("template", name, [t.name for t in process.templates])


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
