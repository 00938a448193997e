"""The "Right now" page: what to do with a ticket, in one screen. The decisions (priority, route, channels,
template, which clocks run and how long each is) are the router's, computed at build time for every kind of
ticket and embedded in the page; the page's small script only finds the kind and counts each clock's time on its
calendar (opening hours, weekdays, public holidays, the zone's clock changes) from the moment given. Without
JavaScript the page shows the whole decision table."""

from __future__ import annotations

import json
from datetime import datetime
from itertools import product
from typing import Any
from zoneinfo import ZoneInfo

from ..definition.model import Process
from ..routing.calendars import BusinessCalendar
from ..routing.router import Router
from ..routing.tickets import Ticket
from .text import attr, esc

CLOCK_ORDER = ("first_response", "acknowledge", "resolution", "review")


def _calendar(calendar: BusinessCalendar, years: range) -> dict[str, Any]:
    spec = calendar.calendar
    opens = spec.opens.hour * 3600 + spec.opens.minute * 60 if spec.opens else 0
    return {
        "zone": spec.time_zone,
        "alwaysOpen": spec.always_open,
        "days": list(spec.days),  # Monday is 0
        "opens": opens,
        "daySeconds": calendar.day_seconds,
        "holidays": [day.isoformat() for day, _ in calendar.holidays_in(years)],
    }


def triage_data(process: Process, year: int) -> dict[str, Any]:
    """Everything the page's script needs: each kind of ticket's decision, and the calendars."""
    router = Router(process)
    calendars = {c.id: BusinessCalendar(c) for c in process.calendars}
    years = range(year - 1, year + 3)
    moment = datetime(year, 1, 5, 9, tzinfo=ZoneInfo(process.calendars[0].time_zone))
    kinds = {}
    for category, urgency, impact, reproduced in product(
        process.categories, process.urgency, process.impact, (False, True)
    ):
        ticket = Ticket("kind", category.id, urgency.id, impact.id, moment, reproduced, process.default_route.tier)
        path = router.path(ticket.category, ticket.urgency, ticket.impact, reproduced, ticket.tier, False)
        decision = router.route(ticket)
        clocks = []
        for name in CLOCK_ORDER:
            if name not in decision.due:
                continue
            calendar, seconds = _clock(router, path, name)
            clocks.append({"name": process.clocks[name].name, "calendar": calendar, "seconds": seconds})
        template = process.template(decision.template) if decision.template else None
        kinds["|".join((category.id, urgency.id, impact.id, "yes" if reproduced else "no"))] = {
            "priority": decision.priority,
            "route": process.tier(decision.route).short_name,
            "stays": decision.route == process.default_route.tier,
            "trigger": process.trigger(decision.trigger).name if decision.trigger else None,
            "channels": list(decision.notify),
            "template": template.name if template else None,
            "fields": [
                f.name
                for f in template.fields
                if f.required
                or (
                    f.required_when
                    and f.required_when.matches(
                        {
                            "category": category.id,
                            "urgency": urgency.id,
                            "impact": impact.id,
                            "reproduced": reproduced,
                            "priority": decision.priority,
                        }
                    )
                )
            ]
            if template
            else [],
            "clocks": clocks,
            "breach": _breach(process, decision.priority),
        }
    return {
        "zone": process.calendars[0].time_zone,
        "kinds": kinds,
        "calendars": {cid: _calendar(cal, years) for cid, cal in calendars.items()},
    }


def _clock(router: Router, path: Any, name: str) -> tuple[str, int]:
    """The calendar a clock counts on, and its target in that calendar's seconds."""
    if name == "review":
        return router.process.clocks["review"].calendar or "", router.review_target
    seconds = {"first_response": path.first_response, "resolution": path.resolution, "acknowledge": path.acknowledge}
    return path.calendar.calendar.id, seconds[name]


def _breach(process: Process, priority: str) -> str:
    triage = process.default_route.tier
    for rule in process.breaches:
        if triage in rule.tiers and priority in rule.priorities:
            if rule.escalate_to:
                return (
                    f"If a goal is missed at {process.tier(triage).short_name}, it goes to "
                    f"{process.tier(rule.escalate_to).short_name}; post in {', '.join(rule.notify)}."
                )
            return f"If a goal is missed, {rule.name}: post in {', '.join(rule.notify)}."
    return "A missed goal changes nothing here; the ticket stays where it is."


def triage_page(process: Process, year: int) -> str:
    """The form, the embedded data, and the decision table for readers without JavaScript."""
    data = triage_data(process, year)
    # No "<" at all in the payload: it can never end the script, and HTML tools scanning for tags skip it.
    payload = json.dumps(data, ensure_ascii=True, sort_keys=True).replace("<", "\\u003c")
    options = {
        "category": [(c.id, c.name) for c in process.categories],
        "urgency": [(u.id, u.name) for u in process.urgency],
        "impact": [(i.id, i.name) for i in process.impact],
        "reproduced": [("no", "No, or not tried"), ("yes", "Yes")],
    }
    labels = {
        "category": "What kind of request",
        "urgency": "How urgent",
        "impact": "Who is affected",
        "reproduced": f"Has {esc(process.tier(process.default_route.tier).short_name)} reproduced it?",
    }
    fields = "".join(
        # each control inside its label: the print page renames ids, which would cut a label from its control
        f'<p><label>{labels[name]}<br><select id="cep-{name}" name="{name}">'
        + "".join(f'<option value="{attr(v)}">{esc(text)}</option>' for v, text in values)
        + "</select></label></p>"
        for name, values in options.items()
    )
    form = (
        f'<form id="cep-triage" class="cep-triage" hidden>{fields}'
        f"<p><label>When the customer reported it ({esc(data['zone'])})<br>"
        '<input id="cep-when" name="when" type="datetime-local" required></label></p></form>'
        '<div id="cep-answer" class="cep-answer" aria-live="polite"></div>'
        f'<script type="application/json" id="cep-triage-data">{payload}</script>'
    )
    rows = []
    for key, kind in data["kinds"].items():
        category, urgency, impact, reproduced = key.split("|")
        goals = "; ".join(f"{esc(c['name'])} {_hours(c, data['calendars'])}" for c in kind["clocks"])
        rows.append(
            f"<tr><td>{esc(category)}</td><td>{esc(urgency)}</td><td>{esc(impact)}</td><td>{reproduced}</td>"
            f"<td>{esc(kind['priority'])}</td><td>{esc(kind['route'])}</td>"
            f"<td>{esc(', '.join(kind['channels']) or '—')}</td><td>{goals}</td></tr>"
        )
    table = (
        '<details class="cep-decisions"><summary>Every kind of ticket (the whole decision table)</summary>'
        "<table><thead><tr><th>category</th><th>urgency</th><th>impact</th><th>reproduced</th><th>priority</th>"
        "<th>goes to</th><th>channels</th><th>time goals</th></tr></thead><tbody>"
        + "\n".join(rows)  # a line per row: tools that scan the page line by line stay fast
        + "</tbody></table></details>"
    )
    return form + "\n\n" + table + "\n"


def _hours(clock: dict[str, Any], calendars: dict[str, Any]) -> str:
    hours = clock["seconds"] / 3600
    return f"{hours:g} h" + ("" if calendars[clock["calendar"]]["alwaysOpen"] else " of opening hours")
