"""The playbook pages, one per role of the process, made from the model: no page is named or written by hand
for a role, so renaming or adding a role changes the manual by itself. Each page is Markdown with macro calls,
rendered by mkdocs-macros like any other page."""

from __future__ import annotations

from ..definition.model import Process
from . import pages
from .text import esc, nav_title

NAV_SECTION = "Playbooks"  # the section of mkdocs.yml's nav whose pages are these


def playbook_pages(process: Process) -> dict[str, str]:
    """{page path: Markdown} for every role."""
    return {pages.playbook(role.id): _page(process, role.id) for role in process.roles}


def _page(process: Process, role_id: str) -> str:
    role = process.role(role_id)
    owned = {t.id for t in process.tiers if t.owner == role_id}
    parts = [f"# {esc(_title(role.name))}", esc(role.summary), f'{{{{ playbook("{role_id}") }}}}']
    if process.tier(process.communication.customer_contact).owner == role_id:
        parts += ["## Keep the customer informed", "{{ communication() }}", "{{ cadence_table() }}"]
    if any(h.fix_window and h.to_tier in owned for h in process.handovers):
        parts += ["{{ fix_window_examples() }}"]
    if process.feedback.backlog_owner == role_id:
        parts += ["## The insight backlog", "{{ feedback() }}"]
    if process.meta.owner == role_id:
        parts += [
            "## Changing the process",
            "Every change is a change to the process definition, reviewed like code: `cep validate` lists every "
            "problem with its line, and the executable specification shows which documented behaviours change.",
            "## Measuring the process",
            "{{ metrics() }}",
        ]
    return "\n\n".join(parts) + "\n"


def set_nav(nav: list, process: Process) -> None:
    """Point the nav's playbook section at the generated pages, in the definition's order of roles. Each is
    given its title here, escaped: a title mkdocs takes from a page's heading reaches the theme unescaped."""
    for i, entry in enumerate(nav or []):
        if isinstance(entry, dict) and NAV_SECTION in entry:
            nav[i] = {NAV_SECTION: [{nav_title(_title(role.name)): pages.playbook(role.id)} for role in process.roles]}


def _title(role_name: str) -> str:
    return f"{role_name} playbook"
