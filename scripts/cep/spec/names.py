"""The names scenarios give the process's tiers and clocks, read back to their ids: shared by the step vocabulary
and by `cep check`, which derives from the same words what each scenario asserts."""

from __future__ import annotations

import re

from ..definition.model import Process, UnknownName


def plain(text: str) -> str:
    return re.sub(r"^(the|a|an)\s+", "", text.strip().lower())


def tier_id(process: Process, name: str) -> str:
    wanted = plain(name)
    for tier in process.tiers:
        if wanted in (tier.id.lower(), tier.name.lower(), tier.short_name.lower()):
            return tier.id
    raise UnknownName("tier", name, [t.short_name for t in process.tiers] + [t.id for t in process.tiers])


def clock_id(process: Process, name: str) -> str:
    wanted = plain(name)
    for key, clock in process.clocks.items():
        if wanted in (key, key.replace("_", " "), clock.name.lower()):
            return key
    raise UnknownName("clock", name, [c.name for c in process.clocks.values()])
