"""The histories as an event log in IEEE 1849 XES, the process-mining field's exchange format: one trace per
ticket, one event per step it took, so that process-mining tools (pm4py, ProM, Disco, Celonis…) read what cep
read. Written as it goes, every text escaped for XML."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from xml.sax.saxutils import quoteattr

from .lived import Verdict

XES_HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <global scope="trace"><string key="concept:name" value=""/></global>
  <global scope="event">
    <string key="concept:name" value=""/>
    <date key="time:timestamp" value="1970-01-01T00:00:00+00:00"/>
    <string key="lifecycle:transition" value="complete"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <string key="concept:name" value="cep ticket histories"/>
"""
XES_END = "</log>\n"


_quoted = lru_cache(maxsize=1024)(quoteattr)  # activities, versions, categories, priorities: a few, again and again


def trace(v: Verdict, steps: Sequence[tuple[datetime, str]], stamps: Sequence[str]) -> str:
    """The ticket's trace: its attributes, then one event per step it took (`steps`, as `Verdict.events()` gives
    them; `stamps`: their times, ISO text)."""
    lines = [
        "  <trace>",
        f'    <string key="concept:name" value={quoteattr(v.key)}/>',
        f'    <string key="process version" value={_quoted(v.version)}/>',
        f'    <string key="category" value={_quoted(v.category)}/>',
        f'    <string key="priority" value={_quoted(v.expected_priority)}/>',
        f'    <boolean key="conformant" value="{"true" if v.conformant else "false"}"/>',
    ]
    for (_, activity), stamp in zip(steps, stamps, strict=True):
        lines += [
            "    <event>",
            f'      <string key="concept:name" value={_quoted(activity)}/>',
            f'      <date key="time:timestamp" value="{stamp}"/>',
            '      <string key="lifecycle:transition" value="complete"/>',
            "    </event>",
        ]
    lines.append("  </trace>\n")
    return "\n".join(lines)
