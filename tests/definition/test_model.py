"""The model's entities are values: equal, and hashed alike, when they say the same, wherever they are written."""

from __future__ import annotations

from pathlib import Path

import pytest
from msgspec.structs import replace

from cep.definition.loader import load_process
from cep.definition.model import Process
from project import PROCESS, SCHEMA


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> Process:
    """The default definition with every line one further down."""
    path = tmp_path_factory.mktemp("moved") / "escalation.yaml"
    path.write_text("# one more line\n" + PROCESS.read_text(encoding="utf-8"), encoding="utf-8")
    return load_process(path, SCHEMA)


def test_the_same_definition_written_elsewhere_is_equal(process: Process, moved: Process) -> None:
    assert moved.triggers[0].location.line == process.triggers[0].location.line + 1
    assert moved.file != process.file
    assert moved.triggers == process.triggers
    assert (moved.triggers[0] != process.triggers[0]) is False  # != is the opposite of ==, not identity
    assert hash(moved.triggers[0]) == hash(process.triggers[0])
    assert {*moved.tiers, *process.tiers} == set(process.tiers)
    assert moved.calendars == process.calendars and moved.priorities == process.priorities


def test_entities_that_say_something_else_differ(process: Process) -> None:
    trigger = process.triggers[0]
    other = replace(trigger, route=next(t.id for t in process.tiers if t.id != trigger.route))
    assert other != trigger
    assert (other == trigger) is False
    assert replace(trigger, location=process.tiers[0].location) == trigger
    tier = process.tiers[0]
    assert replace(tier, talks_to_customers=not tier.talks_to_customers) != tier
    assert tier != Path(tier.id)  # another kind of value is never equal
