"""The command line's contract: exit codes, output streams, defaults."""

from __future__ import annotations

import subprocess
import sys

from project import ROOT


def test_validate_accepts_the_default_process(run_cli) -> None:
    result = run_cli("validate")
    assert (result.code, result.out, result.err) == (0, "", ""), result


def test_validate_json_for_a_valid_process(run_cli) -> None:
    result = run_cli("validate", "--format", "json", "process/escalation.yaml")
    assert result.code == 0
    assert result.out == '{\n  "valid": true,\n  "problems": []\n}\n'


def test_several_files_report_every_problem_sorted(run_cli) -> None:
    result = run_cli(
        "validate",
        "tests/data/bad/empty.yaml",
        "process/escalation.yaml",
        "tests/data/bad/dangling-tier.yaml",
    )
    assert result.code == 1
    assert [line.split(":")[0] for line in result.err.splitlines()] == [
        "tests/data/bad/dangling-tier.yaml",
        "tests/data/bad/empty.yaml",
    ]


def test_unreadable_file_is_a_usage_error(run_cli) -> None:
    result = run_cli("validate", "no/such/file.yaml")
    assert result.code == 2
    assert result.err == "no/such/file.yaml: error: cannot read: No such file or directory\n"


def test_directory_is_a_usage_error(run_cli) -> None:
    result = run_cli("validate", "process")
    assert result.code == 2 and result.err.startswith("process: error: cannot read"), result


def test_python_dash_m_and_usage_errors() -> None:
    ok = subprocess.run([sys.executable, "-m", "cep", "validate"], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([sys.executable, "-m", "cep", "nonsense"], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr and "Traceback" not in bad.stderr
