"""Definition mutants: valid definitions that differ from the original by one change a customer could notice —
a matrix cell, a time goal, a trigger's route, channel, condition value or order, a template field's required
flag, a calendar's time zone, hours, holidays (none, or another country's) or days, the bug-fix window, a breach
rule's priorities, tiers or action, a category's floor."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

Mutant = tuple[str, dict[str, Any]]


def _changed(data: dict[str, Any], what: str, change: Callable[[dict[str, Any]], None]) -> Mutant:
    mutant = copy.deepcopy(data)
    change(mutant)
    return what, mutant


def _doubled(duration: str) -> str:
    number, _, unit = duration.partition(" ")
    return f"{int(number) * 2} {unit}"


def _hour_earlier(clock: str) -> str:
    hour, minute = clock.split(":")
    return f"{int(hour) - 1:02d}:{minute}"


def definition_mutants(data: dict[str, Any]) -> Iterator[Mutant]:
    priorities = [p["id"] for p in data["priorities"]]
    tiers = [t["id"] for t in data["tiers"]]
    for urgency, row in data["priority_matrix"].items():
        for impact, cell in row.items():
            index = priorities.index(cell)
            other = priorities[index + 1] if index + 1 < len(priorities) else priorities[index - 1]
            yield _changed(
                data,
                f"matrix {urgency} × {impact}: {cell} → {other}",
                lambda d, u=urgency, i=impact, o=other: d["priority_matrix"][u].__setitem__(i, o),
            )
    for n, priority in enumerate(data["priorities"]):
        for goal in ("first_response", "resolution", "acknowledge"):
            yield _changed(
                data,
                f"{priority['id']} {goal}: {priority[goal]} → {_doubled(priority[goal])}",
                lambda d, n=n, g=goal: d["priorities"][n].__setitem__(g, _doubled(d["priorities"][n][g])),
            )
    for n, trigger in enumerate(data["triggers"]):
        name = trigger["id"]
        other = next(t for t in tiers if t not in (trigger["route"], data["default_route"]["tier"]))
        yield _changed(
            data, f"trigger {name}: route → {other}", lambda d, n=n, o=other: d["triggers"][n].__setitem__("route", o)
        )
        for channel in trigger.get("notify", []):
            yield _changed(
                data, f"trigger {name}: no {channel}", lambda d, n=n, c=channel: d["triggers"][n]["notify"].remove(c)
            )
        for field, values in trigger["when"].items():
            for value in values if len(values) > 1 else []:
                yield _changed(
                    data,
                    f"trigger {name}: {field} without {value}",
                    lambda d, n=n, f=field, v=value: d["triggers"][n]["when"][f].remove(v),
                )
        if n + 1 < len(data["triggers"]):

            def swap(d: dict[str, Any], n: int = n) -> None:
                d["triggers"][n], d["triggers"][n + 1] = d["triggers"][n + 1], d["triggers"][n]

            yield _changed(data, f"triggers {name} and {data['triggers'][n + 1]['id']} swapped", swap)
    for t, template in enumerate(data["templates"]):
        for f, field in enumerate(template["fields"]):
            if "required_when" in field:
                continue
            flag = not field.get("required", False)
            yield _changed(
                data,
                f"template {template['id']}: {field['id']} required → {flag}",
                lambda d, t=t, f=f, flag=flag: d["templates"][t]["fields"][f].__setitem__("required", flag),
            )
    for c, calendar in enumerate(data["calendars"]):
        zone = "Europe/Berlin" if calendar["time_zone"] != "Europe/Berlin" else "Asia/Tokyo"
        yield _changed(
            data,
            f"calendar {calendar['id']}: in {zone}",
            lambda d, c=c, zone=zone: d["calendars"][c].__setitem__("time_zone", zone),
        )
        if calendar.get("always_open"):
            continue
        yield _changed(
            data,
            f"calendar {calendar['id']}: opens an hour later",
            lambda d, c=c: d["calendars"][c].__setitem__("opens", "09:00"),
        )
        yield _changed(
            data,
            f"calendar {calendar['id']}: closes an hour earlier",
            lambda d, c=c: d["calendars"][c].__setitem__("closes", _hour_earlier(d["calendars"][c]["closes"])),
        )
        yield _changed(
            data, f"calendar {calendar['id']}: no holidays", lambda d, c=c: d["calendars"][c].pop("holidays")
        )
        if calendar.get("holidays"):
            other = "GB" if calendar["holidays"] != "GB" else "US"
            yield _changed(
                data,
                f"calendar {calendar['id']}: the public holidays of {other}",
                lambda d, c=c, other=other: d["calendars"][c].__setitem__("holidays", other),
            )
        yield _changed(
            data,
            f"calendar {calendar['id']}: closed on Fridays",
            lambda d, c=c: d["calendars"][c]["days"].remove("friday"),
        )
    for h, handover in enumerate(data.get("handovers", [])):
        if handover.get("fix_window"):
            yield _changed(
                data,
                f"hand-over {handover['id']}: window on Thursday",
                lambda d, h=h: d["handovers"][h]["fix_window"].__setitem__("weekday", "thursday"),
            )
            yield _changed(
                data,
                f"hand-over {handover['id']}: window opens at 09:00",
                lambda d, h=h: d["handovers"][h]["fix_window"].__setitem__("opens", "09:00"),
            )
    for r, rule in enumerate(data["sla_alerts"]["breaches"]):
        for priority in rule["priorities"]:
            yield _changed(
                data,
                f"breach {rule['id']}: not for {priority}",
                lambda d, r=r, p=priority: d["sla_alerts"]["breaches"][r]["priorities"].remove(p),
            )
        for tier in rule["tiers"] if len(rule["tiers"]) > 1 else []:
            yield _changed(
                data,
                f"breach {rule['id']}: not at {tier}",
                lambda d, r=r, t=tier: d["sla_alerts"]["breaches"][r]["tiers"].remove(t),
            )
        if rule.get("escalate_to"):
            other = next(t for t in tiers if t not in (rule["escalate_to"], *rule["tiers"]))
            yield _changed(
                data,
                f"breach {rule['id']}: escalates to {other}",
                lambda d, r=r, o=other: d["sla_alerts"]["breaches"][r].__setitem__("escalate_to", o),
            )
    for f, floor in enumerate(data.get("priority_floors", [])):
        index = priorities.index(floor["minimum"])
        if index + 1 < len(priorities):
            lower = priorities[index + 1]
            yield _changed(
                data,
                f"floor of {floor['category']}: {floor['minimum']} → {lower}",
                lambda d, f=f, p=lower: d["priority_floors"][f].__setitem__("minimum", p),
            )
