"""The cache of valid definitions and public holidays: it saves time, and never changes an answer."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from cep import cache
from cep.definition.loader import load_process
from cep.problems import InvalidProcess
from cep.routing.calendars import public_holidays
from project import PROCESS, ROOT, SCHEMA

# Loads the default definition in a fresh interpreter and says which slow libraries it needed.
_LOAD = """
import sys
from pathlib import Path
from cep.definition.loader import load_process
from cep.routing.encode import LineEncoder
from cep.routing.router import Router
from cep.routing.tickets import read_tickets
process = load_process(Path("process/escalation.yaml"), Path("process/schema/process.schema.json"))
ticket = next(read_tickets([b'{"id": 1, "category": "bug", "urgency": "high", "impact": "team", '
                            b'"created": "2026-12-16T10:00:00+02:00"}'], "t", process))
print(sorted(name for name in ("yaml", "jsonschema", "holidays") if name in sys.modules))
print(LineEncoder(Router(process)).line(ticket).decode(), end="")
print(process.triggers[0].location)
import os
os.environ["CEP_CACHE_DIR"] = ""  # no cache: what the definition gives when read and validated
fresh = load_process(Path("process/escalation.yaml"), Path("process/schema/process.schema.json"))
print(fresh == process, [t.location for t in fresh.triggers] == [t.location for t in process.triggers])
"""


def _load_in_a_new_interpreter(cache_dir: Path) -> list[str]:
    env = {**os.environ, "CEP_CACHE_DIR": str(cache_dir)}
    done = subprocess.run([sys.executable, "-c", _LOAD], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_a_second_load_takes_the_definition_and_holidays_from_the_cache(tmp_path) -> None:
    first = _load_in_a_new_interpreter(tmp_path)
    second = _load_in_a_new_interpreter(tmp_path)
    assert first[0] == "['holidays', 'jsonschema', 'yaml']"
    assert second[0] == "[]"  # no YAML parser, no validator, no holiday library
    assert second[1:] == first[1:]  # the same routing and locations
    assert second[-1] == "True True"  # the same model as reading and validating gives
    assert second[2].startswith("process/escalation.yaml:")
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["holidays", "process"]


def test_locations_name_the_file_as_this_command_was_given_it(tmp_path) -> None:
    load_process(PROCESS, SCHEMA, display="first.yaml")
    again = load_process(PROCESS, SCHEMA, display="second.yaml")
    assert again.triggers[0].location.file == "second.yaml"
    assert {t.location.file for t in again.tiers} == {"second.yaml"}


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = PROCESS.read_text()
    assert old in text
    path = tmp_path / "escalation.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


def test_a_changed_definition_is_read_again(tmp_path) -> None:
    before = load_process(PROCESS, SCHEMA)
    faster = _variant(tmp_path, "first_response: 4 business hours", "first_response: 2 business hours")
    after = load_process(faster, SCHEMA)
    assert before.priorities[1].first_response.amount == 4
    assert after.priorities[1].first_response.amount == 2


def test_an_invalid_definition_is_never_kept(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CEP_CACHE_DIR", str(tmp_path / "cache"))
    broken = _variant(tmp_path, "route: tier-2-pm", "route: tier-2-qa")
    for _ in range(2):
        with pytest.raises(InvalidProcess) as raised:
            load_process(broken, SCHEMA)
        assert "tier-2-qa" in str(raised.value)
    assert not (tmp_path / "cache" / "process").exists()


def test_the_same_definition_under_a_stricter_schema_is_validated_again(tmp_path) -> None:
    load_process(PROCESS, SCHEMA)  # valid, and kept
    stricter = tmp_path / "process.schema.json"
    stricter.write_text(SCHEMA.read_text().replace('"properties": {', '"maxProperties": 1, "properties": {', 1))
    with pytest.raises(InvalidProcess):
        load_process(PROCESS, stricter)


@pytest.mark.parametrize("part", ["definition/durations.py", "report/sql/volume.sql"])
def test_a_change_to_cep_itself_is_a_different_entry(part: str) -> None:
    module = Path(cache.__file__).parent / part  # a module, or a query whose figures the manual's sample keeps
    status = module.stat()
    before = cache._path("process", (b"x",))
    try:
        os.utime(module, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
        cache._fingerprint.cache_clear()
        assert cache._path("process", (b"x",)) != before
    finally:
        os.utime(module, ns=(status.st_atime_ns, status.st_mtime_ns))
        cache._fingerprint.cache_clear()
    assert cache._path("process", (b"x",)) == before


def test_entries_that_cannot_be_read_are_made_again(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CEP_CACHE_DIR", str(tmp_path))
    expected = load_process(PROCESS, SCHEMA)
    public_holidays("ZA", 2026)
    entries = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert entries
    for entry in entries:
        entry.write_bytes(b"\x00 not marshal data")
    assert load_process(PROCESS, SCHEMA) == expected
    assert date(2026, 12, 16) in public_holidays("ZA", 2026)


@pytest.mark.parametrize("setting", ["", "a file"])
def test_a_cache_turned_off_or_unwritable_costs_only_time(tmp_path, monkeypatch, setting: str) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("CEP_CACHE_DIR", str(blocker) if setting else "")
    assert load_process(PROCESS, SCHEMA) == load_process(PROCESS, SCHEMA)
    assert public_holidays("ZA", 2026)[date(2026, 12, 16)] == "Day of Reconciliation"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a file"]


def test_cached_holidays_are_the_librarys(tmp_path, monkeypatch) -> None:
    import holidays

    monkeypatch.setenv("CEP_CACHE_DIR", str(tmp_path))
    library = {day: name for day, name in holidays.country_holidays("ZA", years=2027).items()}
    assert public_holidays("ZA", 2027) == library  # made, and kept
    assert public_holidays("ZA", 2027) == library  # read back
    assert len(list((tmp_path / "holidays").iterdir())) == 1
