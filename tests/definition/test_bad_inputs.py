"""The corpus of broken definitions: each is refused with exactly the message written for it."""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from project import DATA, ROOT

BAD = DATA / "bad"


def _expected() -> dict[str, list[str]]:
    cases: dict[str, list[str]] = defaultdict(list)
    for line in (BAD / "expected.txt").read_text(encoding="utf-8").splitlines():
        cases[line.split(":", 1)[0]].append(line)
    return cases


EXPECTED = _expected()


def test_corpus_is_complete() -> None:
    files = sorted(p.name for p in BAD.glob("*.yaml"))
    assert files == sorted(EXPECTED), "every bad file needs expected lines, and every expected line a file"
    assert len(files) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_refused_with_exact_message(name: str, run_cli) -> None:
    result = run_cli("validate", f"tests/data/bad/{name}")
    assert result.code == 1, result
    assert result.err.splitlines() == [f"tests/data/bad/{line}" for line in EXPECTED[name]], result
    assert "Traceback" not in result.err


def test_huge_file_refused_before_parsing(tmp_path: Path, run_cli) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("w") as handle:
        line = "# " + "x" * 1000 + "\n"
        for _ in range(30 * 1024):
            handle.write(line)
    result = run_cli("validate", str(huge))
    assert result.code == 1, result
    assert result.err == f"{huge}: error: the file is {huge.stat().st_size} bytes; the limit is 2097152 bytes\n"


def test_refused_as_a_subprocess_without_traceback() -> None:
    # A real process, with a hang guard: the alias bomb must be refused, not expanded.
    done = subprocess.run(
        [sys.executable, "-m", "cep", "validate", "tests/data/bad/alias-bomb.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr == "tests/data/bad/" + EXPECTED["alias-bomb.yaml"][0] + "\n"


def test_json_format_lists_the_same_problems(run_cli) -> None:
    import json

    result = run_cli("validate", "--format", "json", "tests/data/bad/unknown-key-with-hint.yaml")
    assert result.code == 1
    report = json.loads(result.out)
    assert report["valid"] is False
    assert [(p["line"], p["col"], p["hint"]) for p in report["problems"]] == [
        (35, 5, ""),
        (39, 5, "did you mean 'route'?"),
    ]
