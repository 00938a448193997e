"""How a Jira site names what the report reads: by default the names the process's Jira bundle creates (a site
configured by cep needs nothing more); another site gives a small YAML file (`mapping.schema.json`), checked with
FILE:LINE:COL errors like the definition."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from ..definition.loader import validated_document
from ..definition.model import Process
from ..jira.names import YES, JiraNames
from ..problems import InvalidProcess, Problem, UsageError, unknown_name

KINDS = ("category", "urgency", "impact", "reproduced", "tier")


@dataclass(frozen=True)
class SiteNames:
    fields: dict[str, str]  # category, urgency, impact, reproduced, tier → the site's field name
    waiting: str
    returned: str
    resolved: str
    closed: str
    tier_of_status: dict[str, str]
    yes: str = YES
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # kind → the site's value → the process's id

    def value(self, kind: str, text: str | None) -> str | None:
        return self.values.get(kind, {}).get(text, text) if text is not None else None


def bundle_names(process: Process) -> SiteNames:
    names, jira = JiraNames(process), process.jira
    return SiteNames(
        fields={kind: names.fields[kind] for kind in KINDS},
        waiting=jira.waiting,
        returned=jira.returned,
        resolved=jira.resolved,
        closed=jira.closed,
        tier_of_status={t.status: t.id for t in process.tiers},
    )


def load_mapping(path: Path, process: Process) -> SiteNames:
    """The bundle's names with the file's laid over them; every id it gives must be the process's."""
    schema = files(__package__) / "mapping.schema.json"
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UsageError(f"{path}: error: cannot read: {error.strerror or error}") from None
    document = validated_document(raw, str(path), schema.read_bytes(), Path(str(schema)))
    data, problems = document.data or {}, []
    domains = {
        **process.domains(),
        "tier": tuple(t.id for t in process.tiers),
        "priority": tuple(p.id for p in process.priorities),
    }
    wanted = [
        (("values", kind, value), kind, ident)
        for kind, pairs in data.get("values", {}).items()
        for value, ident in pairs.items()
    ]
    wanted += [
        (("statuses", "tiers", status), "tier", tier)
        for status, tier in data.get("statuses", {}).get("tiers", {}).items()
    ]
    for where, kind, ident in wanted:
        if ident not in domains[kind]:
            message, hint = unknown_name(kind, repr(ident), domains[kind])
            problems.append(Problem(document.locate(where), message, hint))
    if problems:
        raise InvalidProcess(problems)
    base, statuses = bundle_names(process), data.get("statuses", {})
    return SiteNames(
        fields={**base.fields, **data.get("fields", {})},
        waiting=statuses.get("waiting", base.waiting),
        returned=statuses.get("returned", base.returned),
        resolved=statuses.get("resolved", base.resolved),
        closed=statuses.get("closed", base.closed),
        tier_of_status={**base.tier_of_status, **statuses.get("tiers", {})},
        yes=data.get("reproduced_yes", base.yes),
        values=data.get("values", {}),
    )
