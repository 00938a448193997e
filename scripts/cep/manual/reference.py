"""The manual's facts as Markdown, rendered from the process model (every call is a macro on some page)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from ..definition.model import Condition, Process, Template
from ..diagrams.style import place
from ..routing.calendars import fix_window_start
from ..routing.router import Router
from ..routing.tickets import Ticket
from . import pages
from .text import bullets, code, esc, numbered, readable_contrast, table, when


class Manual:
    """Renders one process for one build; `here` says which page is being rendered (for relative links)."""

    def __init__(self, process: Process, year: int, here: Callable[[], str], svg: Callable[[str], str]) -> None:
        self.process = process
        self.svg = svg
        self.router = Router(process)
        self.year = year
        self.here = here
        self.roles = {r.id: r for r in process.roles}
        self.tiers = {t.id: t for t in process.tiers}

    # -- links -----------------------------------------------------------------------------------------------------
    def link(self, page: str, label: str, kind: str = "", ident: str = "") -> str:
        fragment = pages.anchor(kind, ident) if kind else ""
        return f"[{label}]({pages.relative(self.here(), page, fragment)})"

    def tier(self, tier_id: str) -> str:
        tier = self.tiers.get(tier_id)
        name = tier.name if tier else tier_id
        return self.link(pages.TIERS_AND_ROLES, esc(name), "tier", tier_id)

    def role(self, role_id: str) -> str:
        role = self.roles.get(role_id)
        return self.link(pages.TIERS_AND_ROLES, esc(role.name if role else role_id), "role", role_id)

    def channel(self, channel_id: str) -> str:
        return self.link(pages.COMMUNICATION, code(channel_id), "channel", channel_id)

    def template_link(self, template_id: str) -> str:
        template = next((t for t in self.process.templates if t.id == template_id), None)
        return self.link(pages.TEMPLATES, esc(template.name if template else template_id), "template", template_id)

    def trigger_link(self, trigger_id: str) -> str:
        trigger = self.process.trigger(trigger_id)
        return self.link(pages.TRIGGERS, esc(trigger.name), "trigger", trigger_id)

    def channels(self, ids: tuple[str, ...]) -> str:
        return ", ".join(self.channel(c) for c in ids) or "—"

    def condition(self, condition: Condition) -> str:
        return esc(condition.describe(self.process.domains()))

    # -- diagrams ---------------------------------------------------------------------------------------------------
    def diagram(self, name: str) -> str:
        """A diagram inline (so its links work), with links made relative to this page, and a download link."""
        here = self.here()
        # The page's URL is a directory (use_directory_urls): one level deeper than its file, unless an index.
        depth = here.count("/") + (0 if here == "index.md" or here.endswith("/index.md") else 1)
        # SVG 2 `href` rather than `xlink:href`, so that the print page rewrites these links like all the others.
        svg = place(self.svg(name), "../" * depth).replace(" xlink:href=", " href=")
        # ids unique on the whole site: the print page puts every page, and so a diagram shown twice, on one page
        page = re.sub(r"[^a-z0-9]+", "-", here.removesuffix(".md").lower()).strip("-")
        svg = svg.replace(f'id="{name}-', f'id="{page}-{name}-').replace(
            f'aria-labelledby="{name}-title {name}-desc"', f'aria-labelledby="{page}-{name}-title {page}-{name}-desc"'
        )
        # its drawn size in CSS pixels (graphviz draws in points), below which the stylesheet never shrinks it much
        natural = round(float(re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+)', svg).group(1)) * 4 / 3)
        svg = svg.replace('class="cep-diagram"', f'class="cep-diagram" style="--cep-natural: {natural}px"', 1)
        download = pages.relative(here, f"diagrams/{name}.svg")
        return f'<div class="cep-diagram-wrap">{svg}</div>\n\n[Download the diagram (SVG)]({download})\n'

    # -- home ------------------------------------------------------------------------------------------------------
    def role_entry_points(self) -> str:
        lines = []
        for role in self.process.roles:
            lines.append(
                f"- **I am a {esc(role.name.lower())}** — {esc(role.summary)} "
                f"{self.link(pages.playbook(role.id), 'Open your playbook')}"
            )
        return "\n".join(lines) + "\n"

    # -- tiers and roles -------------------------------------------------------------------------------------------
    def tier_table(self) -> str:
        rows = [
            (f"{code(t.id)}", esc(t.name), self.role(t.owner), esc(t.summary), "yes" if t.talks_to_customers else "no")
            for t in self.process.tiers
        ]
        return table(("id", "tier", "owner", "what it does", "talks to customers"), rows)

    def tier_sections(self) -> str:
        return "".join(
            f"### {esc(t.name)} {{#{pages.anchor('tier', t.id)}}}\n\n{esc(t.summary)} Owner: {self.role(t.owner)}.\n\n"
            for t in self.process.tiers
        )

    def role_sections(self) -> str:
        out = []
        for role in self.process.roles:
            owned = [t for t in self.process.tiers if t.owner == role.id]
            where = ", ".join(self.tier(t.id) for t in owned) or "no tier"
            out.append(
                f"### {esc(role.name)} {{#{pages.anchor('role', role.id)}}}\n\n{esc(role.summary)} "
                f"Owns: {where}. {self.link(pages.playbook(role.id), 'Playbook')}.\n\n"
                f"**Responsibilities**\n\n{bullets(esc(r) for r in role.responsibilities)}\n"
            )
            if role.challenges:
                out.append(f"**What makes it hard today**\n\n{bullets(esc(c) for c in role.challenges)}\n")
            if role.needs:
                out.append(f"**What the role needs from the process**\n\n{bullets(esc(n) for n in role.needs)}\n")
        return "".join(out)

    def _channels_always_told(self) -> dict[str, set[str]]:
        """Per trigger, the channels the router posts to for every ticket the trigger decides: its own, and an
        announcement's when all its tickets are announced (every ticket a P1-only trigger takes, for one)."""
        p = self.process
        created = datetime.combine(self._reference_week(), time(10), self.router.calendars[p.calendars[0].id].zone)
        told: dict[str, set[str]] = {}
        for category, urgency, impact, reproduced in itertools.product(
            p.categories, p.urgency, p.impact, (True, False)
        ):
            ticket = Ticket("example", category.id, urgency.id, impact.id, created, reproduced, self.router.triage_tier)
            decision = self.router.route(ticket)
            if decision.trigger:
                told[decision.trigger] = told.get(decision.trigger, set(decision.notify)) & set(decision.notify)
        return told

    def responsibility_steps(self) -> list[tuple[str, set[str], set[str], set[str]]]:
        """(step, does, consulted, informed) per step of the process, derived from the model."""
        p = self.process
        owner = {t.id: t.owner for t in p.tiers}
        members = {c.id: set(c.members) for c in p.channels}
        triage = owner.get(p.default_route.tier, "")
        steps = [("Receive, classify and prioritise every request", {triage}, set(), set())]
        told = self._channels_always_told()
        for trigger in p.triggers:
            informed = set().union(*(members.get(c, set()) for c in told.get(trigger.id, trigger.notify)))
            does = {triage, owner.get(trigger.route, "")}
            steps.append((f"Escalate: {esc(trigger.name)}", does, set(), informed - does))
        for handover in p.handovers:
            informed = set().union(*(members.get(c, set()) for c in handover.notify))
            does = {owner.get(handover.from_tier, ""), owner.get(handover.to_tier, "")}
            steps.append((f"Hand over: {esc(handover.name)}", does, set(), informed - does))
        contact = owner.get(p.communication.customer_contact, "")
        others = {owner[t] for t in owner if owner[t] != contact}
        steps.append(("Update the customer", {contact}, others, set()))
        review = p.clocks["review"]
        if review.owner:
            steps.append(("Review insights", {review.owner}, {triage}, set()))
        for rule in p.breaches:
            informed = set().union(*(members.get(c, set()) for c in rule.notify))
            does = {rule.alert} if rule.alert else {owner.get(rule.escalate_to or "", "")}
            steps.append((f"Act on a missed goal: {esc(rule.name)}", does, set(), informed - does))
        steps.append(("Own and change the process", {p.meta.owner}, set(owner.values()) - {p.meta.owner}, set()))
        return steps

    def responsibility_matrix(self) -> str:
        roles = self.process.roles
        marks = {"does": "**D**", "consulted": "C", "informed": "I"}
        rows = []
        for step, does, consulted, informed in self.responsibility_steps():
            cells = [
                marks["does"]
                if r.id in does
                else marks["consulted"]
                if r.id in consulted
                else marks["informed"]
                if r.id in informed
                else ""
                for r in roles
            ]
            rows.append((step, *cells))
        legend = "**D** does it · **C** is consulted · **I** is informed (through the channels the step posts in)\n\n"
        return legend + table(("step", *(esc(r.name) for r in roles)), rows)

    # -- prioritisation --------------------------------------------------------------------------------------------
    def levels(self, scale: str) -> str:
        levels = self.process.urgency if scale == "urgency" else self.process.impact
        return table(("level", "when"), ((f"**{esc(lv.name)}** ({code(lv.id)})", esc(lv.definition)) for lv in levels))

    def priority_badge(self, priority_id: str) -> str:
        priority = self.process.priority(priority_id)
        return (
            f'<span class="cep-priority" style="background:{priority.colour};'
            f'color:{readable_contrast(priority.colour)}">{esc(priority.id)}</span>'
        )

    def priority_matrix(self) -> str:
        p = self.process
        head = "".join(f"<th>{esc(i.name)}</th>" for i in p.impact)
        rows = [
            f"<tr><th>{esc(u.name)}</th>"
            + "".join(
                f'<td style="background:{c.colour};color:{readable_contrast(c.colour)}">'
                f"<strong>{esc(c.id)}</strong> {esc(c.name)}</td>"
                for c in cells
            )
            + "</tr>"
            for u, cells in p.priority_grid()
        ]
        return (
            f'<table class="cep-matrix" id="matrix"><thead><tr><th>urgency \\ impact</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>\n"
        )

    def quick_card(self) -> str:
        """One printable page: the matrix, the triggers in order, the time goals and the channels."""
        p = self.process
        triggers = numbered(
            f"**{esc(t.name)}**: {self.condition(t.when)} → {self.tier(t.route)}; post in {self.channels(t.notify)}"
            for t in p.triggers
        )
        goals = table(
            ("priority", "first response", "resolution", "acknowledgement", "calendar"),
            (
                (
                    self.priority_badge(pr.id),
                    esc(pr.first_response),
                    esc(pr.resolution),
                    esc(pr.acknowledge),
                    esc(p.calendar(pr.calendar).name),
                )
                for pr in p.priorities
            ),
        )
        channels = bullets(f"{self.channel(c.id)}: {esc(c.purpose)}" for c in p.channels)
        floors = " ".join(f"{esc(f.summary)}" for f in p.floors)
        matrix = self.priority_matrix().replace(' id="matrix"', "")  # the Prioritisation page's table has the id
        return (
            '<div class="cep-card" markdown>\n\n'
            f"## Priority\n\n{matrix}\n{floors} "
            f"{TIE_BREAKER}\n\n"
            f"## Where it goes (first match wins)\n\n{triggers}\n"
            f"Nothing matches: it stays with {self.tier(p.default_route.tier)}.\n\n"
            f"## Time goals\n\n{goals}\n## Channels\n\n{channels}\n</div>\n"
        )

    def floors(self) -> str:
        if not self.process.floors:
            return "No category has a minimum priority.\n"
        return bullets(
            f"{esc(f.summary)} (category {code(f.category)}, at least {self.priority_badge(f.minimum)})"
            for f in self.process.floors
        )

    # -- time goals ------------------------------------------------------------------------------------------------
    def time_goal_table(self) -> str:
        rows = [
            (
                f"{self.priority_badge(pr.id)} {esc(pr.name)}",
                self.calendar_link(pr.calendar),
                esc(pr.first_response),
                esc(pr.resolution),
                esc(pr.customer_updates),
                esc(pr.acknowledge),
            )
            for pr in self.process.priorities
        ]
        return table(
            ("priority", "calendar", "first response", "resolution", "customer updates", "tier acknowledgement"), rows
        )

    def calendar_link(self, calendar_id: str) -> str:
        return self.link(pages.TIME_GOALS, f"{code(calendar_id)}", "calendar", calendar_id)

    def clocks_heading(self) -> str:
        """The clocks' section title, naming them: readers search for "first response", not "clocks"."""
        names = [esc(c.name) for c in self.process.clocks.values()]
        listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
        return f"The clocks: {listed} {{#the-clocks}}"

    def clocks(self) -> str:
        rows = []
        for name, clock in self.process.clocks.items():
            extra = []
            if clock.tiers:
                extra.append("tiers: " + ", ".join(self.tier(t) for t in clock.tiers))
            if clock.categories:
                extra.append("only for " + ", ".join(f"{code(c)}" for c in clock.categories))
            if clock.except_categories:
                extra.append("not for " + ", ".join(f"{code(c)}" for c in clock.except_categories))
            if clock.target:
                extra.append(f"goal: {esc(clock.target)}")
            rows.append(
                (
                    f"**{esc(clock.name)}** ({code(name)})",
                    esc(clock.summary),
                    "yes" if clock.pauses_while_waiting else "no",
                    "; ".join(extra) or "—",
                )
            )
        return table(("clock", "what it measures", "pauses while waiting for the customer", "applies"), rows)

    def calendar_sections(self) -> str:
        out = []
        for cal in self.process.calendars:
            days = ", ".join(date(2024, 1, 1 + d).strftime("%A") for d in cal.days)
            hours = "every minute counts" if cal.always_open else f"{days}, {cal.opens:%H:%M}–{cal.closes:%H:%M}"
            holidays = f"public holidays of {code(cal.holidays)} are closed" if cal.holidays else "no holidays"
            out.append(
                f"### {esc(cal.name)} {{#{pages.anchor('calendar', cal.id)}}}\n\n{esc(cal.summary)}\n\n"
                f"- id: {code(cal.id)}\n- time zone: {code(cal.time_zone)}\n- open: {hours}\n"
                f"- {'' if cal.always_open else holidays}\n".replace("- \n", "")
            )
        return "\n".join(out)

    def around_the_clock(self) -> str:
        """A section on the priorities that count nights, weekends and holidays, so that someone must be on call
        for them; its title names them, as readers search for them by name."""
        always = {c.id for c in self.process.calendars if c.always_open}
        night = [p for p in self.process.priorities if p.calendar in always]
        if not night:
            return (
                f"## Nights, weekends and on call {{#{ON_CALL}}}\n\nEvery priority counts open hours only: no clock "
                "runs at night, at weekends or on holidays.\n"
            )
        ids = ", ".join(esc(p.id) for p in night)
        names = ", ".join(f"{esc(p.id)} ({esc(p.name)})" for p in night)
        calendars = ", ".join(dict.fromkeys(f"“{esc(self.process.calendar(p.calendar).name)}”" for p in night))
        one = len(night) == 1
        return (
            f"## {ids} at night, at weekends and on holidays: on call {{#{ON_CALL}}}\n\n"
            f"{names} {'counts' if one else 'count'} on {calendars}: {'its' if one else 'their'} clocks run at night, "
            f"at weekends and on public holidays, so someone must be on call to answer {'it' if one else 'them'}. "
            "The other priorities count open hours only.\n"
        )

    def holidays(self) -> str:
        out = []
        for cal in self.process.calendars:
            if not cal.holidays or cal.always_open:
                continue
            found = self.router.calendars[cal.id].holidays_in([self.year, self.year + 1])
            rows = [(f"{day:%a %d %b %Y}", esc(name)) for day, name in found]
            out.append(
                f"Closed days of {code(cal.id)} in {self.year} and {self.year + 1} "
                f"({code(cal.holidays)} public holidays):\n\n" + table(("date", "holiday"), rows)
            )
        return "\n".join(out)

    def _example_ticket(self, priority_id: str, created: datetime) -> Ticket | None:
        p = self.process
        review = p.clocks["review"].categories
        for category in (c.id for c in p.categories if c.id not in review):
            for (u, i), _ in p.matrix.items():
                if self.process.priority_for(category, u, i)[0] == priority_id:
                    return Ticket(priority_id, category, u, i, created, False, self.router.triage_tier)
        return None

    def _reference_week(self) -> date:
        reviewed = date.fromisoformat(self.process.meta.last_reviewed)
        return reviewed - timedelta(days=reviewed.weekday())

    def worked_examples(self) -> str:
        """Deadlines the router computes for tickets created at telling moments of the reference week."""
        business = next((c for c in self.process.calendars if not c.always_open), None)
        if business is None or business.opens is None or business.closes is None:
            return "Every calendar is always open: a goal is due exactly its length after the clock starts.\n"
        cal = self.router.calendars[business.id]
        monday = self._reference_week()
        last_day = max(business.days)
        close = datetime.combine(monday + timedelta(days=last_day), business.closes, cal.zone)
        moments = [
            (close - timedelta(hours=1), "one hour before closing on the last working day of the week"),
            (datetime.combine(monday + timedelta(days=5), time(10), cal.zone), "at the weekend"),
            (
                datetime.combine(monday + timedelta(days=1), business.closes, cal.zone) + timedelta(minutes=90),
                "after hours",
            ),
        ]
        holiday = next(
            (
                d
                for d, _ in cal.holidays_in([monday.year, monday.year + 1])
                if d > monday and d.weekday() in business.days and d.weekday() > min(business.days)
            ),
            None,
        )
        if holiday:
            moments.append(
                (
                    datetime.combine(holiday - timedelta(days=1), business.closes, cal.zone) - timedelta(hours=2),
                    f"two hours before closing, the day before {holiday:%d %B %Y}",
                )
            )
        rows = []
        for created, note in moments:
            for priority in self.process.priorities:
                ticket = self._example_ticket(priority.id, created)
                if ticket is None:
                    continue
                decision = self.router.route(ticket)
                rows.append(
                    (
                        f"{when(created)} — {esc(note)}",
                        self.priority_badge(priority.id),
                        when(decision.due["first_response"]),
                        when(decision.due.get("resolution")),
                    )
                )
        return table(("created", "priority", "first response due", "resolution due"), rows)

    # -- triggers --------------------------------------------------------------------------------------------------
    def trigger_table(self) -> str:
        rows = [
            (
                str(n),
                self.trigger_link(t.id),
                f"{code(t.id)}",
                self.condition(t.when),
                self.tier(t.route),
                self.channels(t.notify),
                self.template_link(t.template),
            )
            for n, t in enumerate(self.process.triggers, start=1)
        ]
        default = self.process.default_route
        rows.append(("—", "(none)", "—", "everything else", f"stays at {self.tier(default.tier)}", "—", "—"))
        return table(("#", "trigger", "id", "when", "route to", "notify", "template"), rows)

    def trigger_sections(self) -> str:
        out = []
        for n, t in enumerate(self.process.triggers, start=1):
            facts = [
                f"when: {self.condition(t.when)}",
                f"route to: {self.tier(t.route)}",
                f"notify: {self.channels(t.notify)}",
                f"hand-over template: {self.template_link(t.template)}",
            ]
            out.append(section("trigger", t.id, f"{n}. {esc(t.name)}", f"{esc(t.summary)}\n\n{bullets(facts)}"))
        return "\n".join(out)

    def announcements(self) -> str:
        lines = [
            f"{esc(a.summary)} When {self.condition(a.when)}: {self.channels(a.notify)}."
            for a in self.process.announcements
        ]
        lines.append(esc(self.process.default_route.summary))
        return bullets(lines)

    # -- Tier 2 → Tier 3 -------------------------------------------------------------------------------------------
    def handovers(self) -> str:
        out = []
        for h in self.process.handovers:
            lines = [f"from {self.tier(h.from_tier)} to {self.tier(h.to_tier)}", f"notify: {self.channels(h.notify)}"]
            if h.template:
                lines.append(f"template: {self.template_link(h.template)}")
            if h.immediate:
                lines.append(
                    "at once, interrupting planned work: " + ", ".join(self.priority_badge(p) for p in h.immediate)
                )
            if h.fix_window:
                w = h.fix_window
                lines.append(
                    f"in the weekly fix window ({date(2024, 1, 1 + w.weekday):%A} {w.opens:%H:%M}, "
                    f"calendar {self.calendar_link(w.calendar)}): "
                    + ", ".join(self.priority_badge(p) for p in w.priorities)
                )
            if not h.has_time_goal:
                lines.append("no time goal")
            out.append(
                f"## {esc(h.name)} {{#{pages.anchor('handover', h.id)}}}\n\n{esc(h.summary)}\n\n{bullets(lines)}"
            )
            if h.fix_window:
                out.append(f'\n!!! info "The fix window"\n    {esc(h.fix_window.summary)}\n')
        return "\n".join(out)

    def fix_window_examples(self) -> str:
        handover = next((h for h in self.process.handovers if h.fix_window), None)
        heading = "## When the fix window opens"
        if handover is None or handover.fix_window is None:
            return f"{heading}\n\nNo hand-over waits for a window.\n"
        window = handover.fix_window
        cal = self.router.calendars[window.calendar]
        monday = self._reference_week()
        day = monday + timedelta(days=window.weekday)
        opening = datetime.combine(day, window.opens, cal.zone)
        moments = [
            (opening - timedelta(minutes=30), "half an hour before the window opens"),
            (opening + timedelta(hours=1), "an hour after the window opened"),
            (opening + timedelta(days=1, hours=2), "the next day"),
        ]
        closed = next(
            (
                d
                for d, _ in cal.holidays_in([monday.year, monday.year + 1])
                if d > monday and d.weekday() == window.weekday
            ),
            None,
        )
        if closed:
            moments.append(
                (
                    datetime.combine(closed - timedelta(days=6), time(10), cal.zone),
                    f"the week before {closed:%d %B %Y}, a public holiday",
                )
            )
        priority = window.priorities[0]
        target = self.process.priority(priority)
        rows = []
        for handed, note in moments:
            starts = fix_window_start(handed, window.weekday, window.opens, cal)
            due = self.router.calendars[target.calendar].add(starts, target.acknowledge)
            rows.append((f"{when(handed)} — {esc(note)}", when(starts), when(due)))
        return (
            f"{heading}: {day:%A} {window.opens:%H:%M}\n\n"  # readers search by the day
            f"For a {self.priority_badge(priority)} hand-over (acknowledgement goal {esc(target.acknowledge)}):\n\n"
            + table(
                (
                    "handed over",
                    f"{esc(self.process.tier(handover.to_tier).short_name)}'s clock starts",
                    "acknowledgement due",
                ),
                rows,
            )
        )

    # -- at risk and breaches --------------------------------------------------------------------------------------
    def breach_rules(self) -> str:
        risk = self.process.at_risk
        lines = [
            f"**At {risk.threshold_percent}% of any goal's time**: {esc(risk.summary)} "
            f"Posted in {self.channels(risk.notify)}."
        ]
        for rule in self.process.breaches:
            what = (
                f"escalates to {self.tier(rule.escalate_to)}"
                if rule.escalate_to
                else f"alerts the {self.role(rule.alert or '')}"
            )
            lines.append(
                f"**{esc(rule.name)}** — a missed goal of a "
                + ", ".join(self.priority_badge(p) for p in rule.priorities)
                + f" ticket at {', '.join(self.tier(t) for t in rule.tiers)} {what}; posted in "
                f"{self.channels(rule.notify)}. {esc(rule.summary)}"
            )
        return bullets(lines)

    # -- templates -------------------------------------------------------------------------------------------------
    def _required(self, field_required: bool, condition: Condition | None) -> str:
        if field_required:
            return "required"
        if condition:
            return f"required when {self.condition(condition)}"
        return "optional"

    def template_section(self, template: Template) -> str:
        to = "the customer" if template.to == "customer" else self.tier(template.to)
        checklist = "".join(
            # a box to tick on paper, not a form control without a label
            f'- <span aria-hidden="true">☐</span> **{esc(f.name)}** — {self._required(f.required, f.required_when)}'
            + (f" ({esc(f.hint)})" if f.hint else "")
            + "\n"
            for f in template.fields
        )
        block = "\n".join(f"    *{f.name}*:" for f in template.fields)
        return (
            f"## {esc(template.name)} {{#{pages.anchor('template', template.id)}}}\n\n{esc(template.summary)} "
            f"From {self.tier(template.from_tier)} to {to}.\n\n"
            f'=== "Checklist"\n\n{_indent(checklist)}\n'
            f'=== "Copy into a Jira description"\n\n    ```text\n{_indent(block)}\n    ```\n\n'
        )

    def templates(self) -> str:
        return "\n".join(self.template_section(t) for t in self.process.templates)

    # -- communication ---------------------------------------------------------------------------------------------
    def channel_table(self) -> str:
        rows = [
            (self.channel(c.id), esc(c.purpose), ", ".join(self.role(m) for m in c.members))
            for c in self.process.channels
        ]
        return table(("channel", "purpose", "members"), rows)

    def channel_sections(self) -> str:
        out = []
        for c in self.process.channels:
            posts = [f"trigger {self.trigger_link(t.id)}" for t in self.process.triggers if c.id in t.notify]
            posts += [esc(a.name) for a in self.process.announcements if c.id in a.notify]
            posts += [esc(h.name) for h in self.process.handovers if c.id in h.notify]
            posts += [esc(r.name) for r in self.process.breaches if c.id in r.notify]
            if c.id in self.process.at_risk.notify:
                posts.append("at-risk warnings")
            facts = [
                f"members: {', '.join(self.role(m) for m in c.members)}",
                f"posted to by: {', '.join(posts) or 'people, by hand'}",
            ]
            out.append(section("channel", c.id, esc(c.id), f"{esc(c.purpose)}\n\n{bullets(facts)}"))
        return "\n".join(out)

    def cadence_table(self) -> str:
        rows = [(self.priority_badge(p.id), esc(p.customer_updates)) for p in self.process.priorities]
        contact = self.process.tier(self.process.communication.customer_contact).short_name
        return table(("priority", f"{esc(contact)} updates the customer"), rows)

    def communication(self) -> str:
        c = self.process.communication
        return (
            f"{esc(c.summary)}\n\nOnly {self.tier(c.customer_contact)} talks to customers; every update uses the "
            f"{self.template_link(c.update_template)} template.\n"
        )

    # -- feedback, metrics, glossary -------------------------------------------------------------------------------
    def feedback(self) -> str:
        f = self.process.feedback
        review = self.process.clocks[f.review_clock]
        return f"{esc(f.summary)}\n\n" + bullets(
            [
                f"Recorded with the {self.template_link(f.template)} template"
                + (", from a ticket of any category." if f.any_category else "."),
                f"The backlog belongs to the {self.role(f.backlog_owner)}, who reviews new insights "
                f"{esc(f.review_cadence)} (goal: {esc(review.target or '')} from creation) and reports themes to "
                f"leadership {esc(f.leadership_report)}.",
                esc(f.close_the_loop),
            ]
        )

    def metrics(self) -> str:
        return table(
            ("measure", "what it tells"), ((f"**{esc(m.name)}**", esc(m.summary)) for m in self.process.metrics)
        )

    def glossary(self) -> str:
        p = self.process
        terms = [(t.name, t.summary) for t in p.tiers]
        terms += [(r.name, r.summary) for r in p.roles]
        terms += [(f"Category: {c.name}", c.summary) for c in p.categories]
        terms += [(f"Urgency: {u.name}", u.definition) for u in p.urgency]
        terms += [(f"Impact: {i.name}", i.definition) for i in p.impact]
        terms += [
            (f"{pr.id} — {pr.name}", f"Priority; first response {pr.first_response}, resolution {pr.resolution}.")
            for pr in p.priorities
        ]
        terms += [(c.name, c.summary) for c in p.clocks.values()]
        terms += [(c.name, c.summary) for c in p.calendars]
        terms += [(t.name, t.summary) for t in p.templates]
        terms += [(m.name, m.summary) for m in p.metrics]
        entries = [(term, esc(text)) for term, text in terms] + self._readers_words()
        return "".join(f"{esc(term)}\n:   {text}\n\n" for term, text in sorted(entries, key=lambda t: t[0].lower()))

    def _readers_words(self) -> list[tuple[str, str]]:
        """The words readers search with that the process calls otherwise, each pointing at the process's own."""
        first = self.process.priorities[0]
        return [
            (
                "SLA (service-level agreement)",
                f"The process's time goals: {self.link(pages.TIME_GOALS, 'Time goals')}.",
            ),
            (
                "Severity",
                f"The process says priority ({esc(first.id)} is the most urgent), set from urgency and impact: "
                f"{self.link(pages.PRIORITISATION, 'Prioritisation')}.",
            ),
            (
                "On call",
                f"Which priorities count nights, weekends and holidays: "
                f"[Nights, weekends and on call]({pages.relative(self.here(), pages.TIME_GOALS, ON_CALL)}).",
            ),
            (
                "Urgent",
                f"An urgency level, one of the two questions of {self.link(pages.PRIORITISATION, 'Prioritisation')}.",
            ),
        ]

    # -- admin -----------------------------------------------------------------------------------------------------
    def slack_channels(self) -> str:
        steps = [
            f"Create {code(c.id)}"
            + f" — purpose: “{esc(c.purpose)}”; invite: "
            + ", ".join(esc(self.roles[m].name if m in self.roles else m) for m in c.members)
            for c in self.process.channels
        ]
        return numbered(steps)

    # -- playbooks -------------------------------------------------------------------------------------------------
    def _deadlines(self, answers_customers: bool) -> str:
        """A role's own numbers: each priority's goals, counted from when the customer opened the ticket."""
        p = self.process
        head = ("priority", *(("first response",) if answers_customers else ()), "resolved within", "counted in")
        rows = [
            (
                f"{self.priority_badge(pr.id)} {esc(pr.name)}",
                *((esc(pr.first_response),) if answers_customers else ()),
                esc(pr.resolution),
                esc(p.calendar(pr.calendar).name),
            )
            for pr in p.priorities
        ]
        return (
            "### Your deadlines\n\nThe first response and resolution clocks started when the customer opened the "
            "ticket, not when it reached you; the resolution clock pauses while the ticket waits for the customer. "
            + self.link(pages.RIGHT_NOW, "Right now")
            + " gives the exact date and time for a ticket.\n\n"
            + table(head, rows)
        )

    def playbook(self, role_id: str) -> str:
        p = self.process
        role = p.role(role_id)
        tiers = [t.id for t in p.tiers if t.owner == role_id]
        before = [f"### Your job\n\n{numbered(esc(r) for r in role.responsibilities)}"]
        during: list[str] = []
        after: list[str] = []
        incoming = [t for t in p.triggers if t.route in tiers]
        handed = [h for h in p.handovers if h.to_tier in tiers]
        if incoming or handed:
            lines = [
                f"{self.trigger_link(t.id)}: {self.condition(t.when)}, with the {self.template_link(t.template)}"
                for t in incoming
            ]
            lines += [
                f"{esc(h.name)} from {self.tier(h.from_tier)}" + ("" if h.has_time_goal else " (no time goal)")
                for h in handed
            ]
            ack = p.clocks["acknowledge"]
            timed = bool(incoming) or any(h.has_time_goal for h in handed)
            goal = (
                ("Acknowledge each" if all(h.has_time_goal for h in handed) else "Acknowledge each one with a goal")
                + " within its "
                + self.link(pages.TIME_GOALS, "tier-acknowledgement goal")
                + ": "
                + ", ".join(f"{self.priority_badge(pr.id)} {esc(pr.acknowledge)}" for pr in p.priorities)
                if timed and any(t in ack.tiers for t in tiers)
                else ""
            )
            during.append(f"### When tickets reach you\n\n{numbered(lines)}\n{goal}\n")
        if p.default_route.tier in tiers:
            during.append(
                "### Triage every request\n\n"
                + numbered(
                    [
                        "Set the category, the urgency and the impact; the "
                        + self.link(pages.PRIORITISATION, "priority matrix")
                        + " gives the priority.",
                        "Check the "
                        + self.link(pages.TRIGGERS, "escalation triggers")
                        + " in order; the first that matches "
                        "decides where the ticket goes and which channels to post in.",
                        TIE_BREAKER,
                        "Fill in the hand-over template completely: an incomplete escalation comes back to you.",
                        f"{esc(p.default_route.summary)}",
                    ]
                )
            )
        outgoing = [t for t in p.templates if t.from_tier in tiers]
        if outgoing:
            before.append(
                "### What you fill in\n\n"
                + numbered(
                    f"{self.template_link(t.id)} — to {'the customer' if t.to == 'customer' else self.tier(t.to)}: "
                    + ", ".join(
                        esc(f.name) + ("" if f.required else f" ({self._required(False, f.required_when)})")
                        for f in t.fields
                        if f.required or f.required_when
                    )
                    for t in outgoing
                )
            )
        mine = [h for h in p.handovers if h.from_tier in tiers]
        if mine:
            during.append(
                "### When you hand over\n\n"
                + numbered(
                    f"{esc(h.name)} to {self.tier(h.to_tier)}: {esc(h.summary)} "
                    + self.link(pages.HANDOVERS, "Details", "handover", h.id)
                    for h in mine
                )
            )
        if tiers:
            during.append(self._deadlines(p.default_route.tier in tiers))
        posts = [c for c in p.channels if role_id in c.members]
        if posts:
            before.append(
                "### Where you post and read\n\n" + numbered(f"{self.channel(c.id)} — {esc(c.purpose)}" for c in posts)
            )
        reviews = [c for c in p.clocks.values() if c.owner == role_id]
        alerts = [r for r in p.breaches if r.alert == role_id or any(t in r.tiers for t in tiers)]
        if reviews or alerts:
            lines = [f"{esc(c.name)}: {esc(c.summary)} Goal: {esc(c.target or '')}." for c in reviews]
            lines += [f"{esc(r.name)}: {esc(r.summary)}" for r in alerts]
            after.append(
                "### Your time goals and alerts\n\n"
                + numbered(lines)
                + "\nSee "
                + self.link(pages.BREACHES, "at-risk and breach rules")
                + ".\n"
            )
        during.append(self._own_examples(role_id))
        # Before / during / after, as incident manuals are read: what to have ready, what to do, what to watch.
        moments = (
            ("Before a ticket comes: be ready", before),
            ("During: when a ticket reaches you", during),
            ("After: watch the clocks", after),
        )
        return "\n".join(f"## {title}\n\n" + "\n".join(parts) for title, parts in moments if parts)

    def _own_examples(self, role_id: str) -> str:
        """The definition's examples from the team's own work that reach this role (at triage, or routed to one of
        its tiers), each with what the router decides: priority, route, channels, every deadline."""
        p = self.process
        tiers = {t.id for t in p.tiers if t.owner == role_id}
        items = []
        for example in p.examples:
            reported = datetime.fromisoformat(example.reported)
            ticket = Ticket(
                "example",
                example.category,
                example.urgency,
                example.impact,
                reported,
                bool(example.reproduced),
                self.router.triage_tier,
            )
            decision = self.router.route(ticket)
            if not tiers & {p.default_route.tier, decision.route}:
                continue
            if decision.route == p.default_route.tier:
                goes = f"stays at {self.tier(decision.route)}"
            else:
                goes = f"goes to {self.tier(decision.route)} with the {self.template_link(decision.template or '')}"
            posts = ", ".join(self.channel(c) for c in decision.notify) or "no channel"
            deadlines = "; ".join(
                f"{esc(p.clocks[name].name.lower())} by {when(due.astimezone(reported.tzinfo))}"
                for name, due in decision.due.items()
                if due
            )
            priority = p.priority(decision.priority)
            items.append(
                f"**{when(reported)}**: {esc(example.story)}<br>\n"
                f"    → {self.priority_badge(priority.id)} {esc(priority.name)}, {goes}; post in {posts}. "
                f"Due: {deadlines}."
            )
        return "### Examples from our own work\n\n" + bullets(items) if items else ""


ON_CALL = "on-call"  # the anchor of Time goals' section on the around-the-clock priorities, which the glossary links
TIE_BREAKER = "When unsure between two levels of urgency or impact, pick the higher one."  # one wording everywhere


def section(kind: str, ident: str, title: str, body: str) -> str:
    """A third-level section with a stable anchor made from the entity's id, so links survive renames."""
    return f"### {title} {{#{pages.anchor(kind, ident)}}}\n\n{body}"


def _indent(text: str) -> str:
    return "".join(f"    {line}\n" if line else "\n" for line in text.splitlines())
