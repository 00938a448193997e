"""The command line's contract: exit codes, output streams, defaults."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

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


def test_output_that_cannot_be_written_is_a_usage_error_and_nothing_is_replaced(run_cli, tmp_path) -> None:
    a_file, a_dir = tmp_path / "notes.txt", tmp_path / "folder"
    a_file.write_text("keep me")
    a_dir.mkdir()
    blocked = tmp_path / "notes.txt" / "below-a-file"
    cases = [
        (("diagrams", "--out", str(a_file)), f"{a_file}: error: cannot write: it is a file, not a directory"),
        (("build", "--site-dir", str(a_file)), f"{a_file}: error: cannot write: it is a file, not a directory"),
        (("jira", "export", "-o", str(a_dir)), f"{a_dir}: error: cannot write: it is a directory"),
        (("jira", "export", "-o", str(blocked)), f"{blocked}: error: cannot write: File exists ({a_file})"),
    ]
    for args, message in cases:
        result = run_cli(*args)
        assert (result.code, result.err) == (2, message + "\n"), args
    assert a_file.read_text() == "keep me"
    assert list(a_dir.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "notes.txt"]  # no temporary left behind


def test_a_schema_that_is_not_json_or_not_a_schema_is_reported_where_it_is(run_cli, tmp_path) -> None:
    not_json, not_schema = tmp_path / "a.json", tmp_path / "b.json"
    not_json.write_text('{"type": "object",\n  oops}\n')
    not_schema.write_text('{"type": 5}\n')
    result = run_cli("validate", "--schema", str(not_json))
    assert (result.code, result.err) == (
        1,
        f"{not_json}:2:3: error: the schema is not valid JSON: Expecting property name enclosed in double quotes\n",
    )
    result = run_cli("validate", "--schema", str(not_schema))
    assert result.code == 1
    assert result.err.startswith(f"{not_schema}: error: the schema is not a JSON Schema: 5 is not valid")


@pytest.mark.parametrize(
    ("missing", "args", "extra"),
    [
        ("graphviz", ["diagrams", "--out", "{tmp}/d"], "docs"),
        ("mkdocs", ["build", "--site-dir", "{tmp}/s"], "docs"),
        ("material", ["build", "--site-dir", "{tmp}/s"], "docs"),
        ("pytest_bdd", ["spec"], "test"),
        ("pyarrow", ["report", "histories.json"], "report"),
    ],
)
def test_a_command_whose_extra_is_not_installed_says_which_to_install(tmp_path, missing, args, extra) -> None:
    run = f"import sys; sys.modules[{missing!r}] = None; from cep.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run(
        [sys.executable, "-c", run, *(a.format(tmp=tmp_path) for a in args)], cwd=ROOT, capture_output=True, text=True
    )
    assert (done.returncode, done.stderr) == (
        2,
        f"cep: error: this command needs {missing}, which is not installed: install cep with its {extra} extra "
        f"(pip install 'cep[{extra}]')\n",
    )
    assert list(tmp_path.iterdir()) == []


def test_every_command_reads_the_definition_named_by_process_and_says_so(tmp_path) -> None:
    from project import copy_project

    project = copy_project(tmp_path / "project")
    other = project / "elsewhere" / "support.yaml"
    other.parent.mkdir()
    other.write_text(
        (project / "process" / "escalation.yaml")
        .read_text(encoding="utf-8")
        .replace("name: Customer Escalation Process", "name: Another Process"),
        encoding="utf-8",
    )
    (project / "process" / "escalation.yaml").write_text("not: [a process\n", encoding="utf-8")  # never read
    cep = [sys.executable, "-m", "cep"]
    bundle = subprocess.run(
        [*cep, "jira", "export", "--process", "elsewhere/support.yaml"], cwd=project, capture_output=True, text=True
    )
    assert bundle.returncode == 0, bundle.stderr
    assert json.loads(bundle.stdout)["generated_from"] == "elsewhere/support.yaml"
    assert json.loads(bundle.stdout)["process"]["name"] == "Another Process"
    for args in (["check"], ["diagrams", "--out", "d"], ["route"]):
        done = subprocess.run(
            [*cep, *args, "--process", "elsewhere/support.yaml"], cwd=project, input="", capture_output=True, text=True
        )
        assert done.returncode == 0, (args, done.stderr)
    built = subprocess.run(
        [*cep, "build", "--process", "elsewhere/support.yaml", "--site-dir", "site"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    assert "<h1" in (home := (project / "site" / "index.html").read_text()) and "Another Process" in home


def test_version_and_no_command_print_what_cep_is() -> None:
    from importlib.metadata import version

    shown = subprocess.run([sys.executable, "-m", "cep", "--version"], capture_output=True, text=True)
    assert shown.returncode == 0 and shown.stdout == f"cep {version('cep')}\n"
    bare = subprocess.run([sys.executable, "-m", "cep"], capture_output=True, text=True)
    assert bare.returncode == 0 and bare.stderr == ""
    assert bare.stdout.startswith("usage: cep") and "init" in bare.stdout and "serve" in bare.stdout
