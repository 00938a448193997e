"""Safe YAML reading: YAML 1.2 scalars, positions, and refusal of unsafe shapes."""

from __future__ import annotations

import pytest

from cep.definition.yaml_source import parse_text
from cep.problems import InvalidProcess


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("17:00", "17:00"),
        ("no", "no"),
        ("yes", "yes"),
        ("off", "off"),
        ("2026-11-25", "2026-11-25"),
        ("1.0.0", "1.0.0"),
        ("24x7", "24x7"),
        ("P1", "P1"),
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("", None),
        ("3", 3),
        ("-2", -2),
        ("0x1F", 31),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("'017'", "017"),
        ("!!str 3", "3"),
    ],
)
def test_scalars_follow_yaml_1_2(text: str, value: object) -> None:
    assert parse_text(f"key: {text}\n", "f.yaml").data == {"key": value}


def test_positions_are_one_based_for_values_and_keys() -> None:
    doc = parse_text("a:\n  - x\n  - {b: 1}\n", "f.yaml")
    assert (doc.positions[("a", 0)].line, doc.positions[("a", 0)].col) == (2, 5)
    assert (doc.positions[("a", 1, "b")].line, doc.positions[("a", 1, "b")].col) == (3, 9)
    assert (doc.key_positions[("a", 1, "b")].line, doc.key_positions[("a", 1, "b")].col) == (3, 6)
    assert doc.locate(("a", 1, "missing")) == doc.positions[("a", 1)]


def test_byte_order_mark_is_accepted(tmp_path) -> None:
    from cep.definition.yaml_source import decode_document

    assert decode_document(b"\xef\xbb\xbfa: 1\n", "bom.yaml").data == {"a": 1}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", "f.yaml:3:1: error: duplicate key 'a' (first defined at line 1)"),
        ("a: !!set {x}\n", "f.yaml:1:4: error: tag '!!set' is not allowed: write plain YAML data"),
        ("a: !!binary aGk=\n", "f.yaml:1:4: error: tag '!!binary' is not allowed: write plain YAML data"),
        ("? [1, 2]\n: x\n", "f.yaml:1:3: error: mapping key [1, 2] must be text; quote it"),
        ("a: !!int abc\n", "f.yaml:1:4: error: 'abc' is not a valid int"),
        ("a: *nope\n", "f.yaml:1:4: error: YAML syntax: found undefined alias"),
    ],
)
def test_unsafe_or_broken_yaml_is_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidProcess) as caught:
        parse_text(text, "f.yaml")
    assert str(caught.value) == message
