"""The `cep` command line: a thin shell over the library; domain errors become messages and exit codes."""

from __future__ import annotations

import argparse
import io
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .definition import DEFAULT_PROCESS, SCHEMA_CHOICE
from .problems import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    CepError,
    InvalidProcess,
    Problem,
    UsageError,
    render_json,
    render_text,
)


def load(path: Path, schema: Path | None = None):  # -> Process; imported lazily so `cep --help` stays fast
    from .definition.loader import load_named

    return load_named(path, schema)


def _needs(extra: str, *modules: str) -> None:
    """Raise UsageError naming the extra to install when one of `modules` cannot be imported."""
    import importlib

    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError:
            raise UsageError(
                f"cep: error: this command needs {module}, which is not installed: install cep with its {extra} "
                f"extra (pip install 'cep[{extra}]')"
            ) from None


def cmd_validate(args: argparse.Namespace) -> int:
    problems: list[Problem] = []
    unreadable = False
    for path in args.files or [DEFAULT_PROCESS]:
        try:
            load(path, args.schema)
        except InvalidProcess as invalid:
            problems += invalid.problems
        except UsageError as error:  # said at once; the other files are still validated
            print(error, file=sys.stderr)
            unreadable = True
    (sys.stdout if args.format == "json" else sys.stderr).write(
        render_json(problems) if args.format == "json" else render_text(problems)
    )
    return EXIT_USAGE if unreadable else EXIT_INVALID if problems else EXIT_OK


def cmd_route(args: argparse.Namespace) -> int:
    from .parallel.pieces import default_jobs
    from .routing.command import run_route

    jobs = args.jobs or default_jobs()
    return run_route(load(args.process), args.input, args.at, args.format, jobs, sys.stdout, sys.stderr)


def cmd_build(args: argparse.Namespace) -> int:
    _needs("docs", "mkdocs", "material", "mkdocs_macros")
    from .manual.build import build_site

    return build_site(args.config, args.site_dir, args.process)


def cmd_serve(args: argparse.Namespace) -> int:
    _needs("docs", "mkdocs", "material", "mkdocs_macros")
    from .manual.build import serve_site

    load(args.process or DEFAULT_PROCESS)  # an invalid definition is reported as FILE:LINE:COL before serving
    return serve_site(args.config, args.dev_addr, args.process)


def cmd_diagrams(args: argparse.Namespace) -> int:
    _needs("docs", "graphviz")
    from .diagrams import DIAGRAMS, render
    from .diagrams.style import place
    from .output import write_tree

    process = load(args.process)
    files = {f"{name}.{args.format}": render(process, name, args.format) for name in DIAGRAMS}
    if args.format == "svg":
        files = {name: place(svg.decode("utf-8"), args.link_base).encode("utf-8") for name, svg in files.items()}
    write_tree(args.out, "cep diagrams", files, keep=(args.process,))
    return EXIT_OK


def cmd_jira_export(args: argparse.Namespace) -> int:
    from .jira import is_bundle, jira_bundle
    from .output import build_year, dump_json, write_file

    year = build_year()
    text = dump_json(jira_bundle(load(args.process), [year, year + 1]))
    if args.output in (None, "-"):
        sys.stdout.write(text)
    else:
        write_file(Path(args.output), text.encode("utf-8"), is_bundle, keep=(args.process,))
    return EXIT_OK


def cmd_jira_site(args: argparse.Namespace) -> int:
    from .jira.site.command import jira_site

    return jira_site(load(args.process), args.project, args.jira_command, args.format)


def cmd_check(args: argparse.Namespace) -> int:
    from .analysis.check import features_in, render_json, render_text, run_check

    process = load(args.process)
    if not args.features.is_dir():
        raise UsageError(f"{args.features}: error: not a directory of .feature files")
    report = run_check(process, features_in(args.features))
    sys.stdout.write(render_json(report) if args.format == "json" else render_text(report))
    return EXIT_INVALID if report.failed(args.strict) else EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    # The tables are written by pyarrow and summed up by DuckDB, which keeps the store of --from-jira too; one
    # verdict per line needs neither (nor the time it takes to import them).
    needed = ("duckdb", "pyarrow") if args.format != "jsonl" else ("duckdb",) if args.from_jira else ()
    _needs("report", *needed)
    from .report.command import run_report

    process = load(args.process, args.schema)
    inputs = list(args.inputs)
    if args.from_jira:
        from datetime import UTC, datetime

        from .report.fetch import pull

        if not args.project:
            raise UsageError("cep report: error: --from-jira needs --project KEY")
        try:
            since = datetime.fromisoformat(args.since).replace(tzinfo=UTC) if args.since else None
        except ValueError:
            raise UsageError(f"cep report: error: --since takes a date like 2026-11-01, not {args.since!r}") from None
        inputs.append(pull(args.project, since, args.store or Path("reports") / f"jira-{args.project}"))
    if not inputs:
        raise UsageError("cep report: error: give INPUT files of histories, or --from-jira --project KEY")
    from .parallel.pieces import default_jobs

    return run_report(
        args.process,
        process,
        args.schema,
        inputs,
        args.at,
        args.format,
        args.out,
        sys.stdout,
        sys.stderr,
        args.mapping,
        args.jobs or default_jobs(),
    )


def cmd_simulate(args: argparse.Namespace) -> int:
    _needs("simulate", "simpy")
    from .simulate.command import run_simulate

    process = load(args.process)
    return run_simulate(process, args.process, vars(args), sys.stdout)


def cmd_diff(args: argparse.Namespace) -> int:
    from .definition.loader import load_process
    from .diff import compare
    from .diff.report import render_json, render_markdown
    from .diff.revisions import RevisionNotFound, Version, resolve

    try:
        old = resolve(args.old, args.process)
        new = resolve(args.new, args.process) if args.new else Version(str(args.process), _read(args.process))
    except RevisionNotFound as missing:
        raise UsageError(f"cep diff: error: {missing}") from None  # the revision module does not know the command
    old_process, new_process = (
        load_process(args.process, args.schema, display=v.source, content=v.content) for v in (old, new)
    )
    diff = compare(old_process, new_process, old.source, new.source)
    sys.stdout.write(render_json(diff) if args.format == "json" else render_markdown(diff))
    sys.stdout.flush()
    for warning in diff.warnings:
        print(f"cep diff: warning: {warning}", file=sys.stderr)
    return EXIT_OK


def cmd_spec(args: argparse.Namespace) -> int:
    import os
    import subprocess

    _needs("test", "pytest", "pytest_bdd")
    if not args.features.is_dir():
        raise UsageError(f"{args.features}: error: not a directory of .feature files")
    features = Path(__file__).parent / "spec" / "scenarios.py"  # named, not imported: it binds scenarios under pytest
    env = {**os.environ, "CEP_PROCESS": str(args.process), "CEP_FEATURES": str(args.features)}
    extra = args.pytest_args[1:] if args.pytest_args[:1] == ["--"] else args.pytest_args
    command = [sys.executable, "-m", "pytest", "-p", "cep.spec.steps", str(features), *extra]
    return subprocess.run(command, env=env, check=False).returncode


def _read(path: Path) -> bytes:
    from .definition.document import read_definition

    try:
        return read_definition(path, str(path))
    except OSError as error:
        raise UsageError(f"{path}: error: cannot read: {error.strerror or error}") from None


def cmd_init(args: argparse.Namespace) -> int:
    from .init import initialise

    return initialise(args.dir, args.source, sys.stdout)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cep", description="The customer escalation process, as code.")
    parser.add_argument("--version", action="version", version=f"cep {__version__}")
    parser.set_defaults(run=lambda args: parser.print_help() or EXIT_OK)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    validate = sub.add_parser("validate", help="check process definitions; list every problem as FILE:LINE:COL")
    validate.add_argument("files", nargs="*", type=Path, metavar="FILE", help=f"default: {DEFAULT_PROCESS}")
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.add_argument("--schema", type=Path, help=SCHEMA_CHOICE)
    validate.set_defaults(run=cmd_validate)

    route = sub.add_parser("route", help="route tickets (JSON Lines) through the process")
    route.add_argument("input", nargs="?", default="-", metavar="INPUT", help="JSON Lines file, or - for stdin")
    route.add_argument("--process", type=Path, default=DEFAULT_PROCESS)
    route.add_argument("--at", metavar="ISO-TIME", help="judge every clock at this moment")
    route.add_argument(
        "--format",
        choices=("table", "jsonl"),
        default=None,
        help="default: table on a terminal, jsonl otherwise",
    )
    route.add_argument(
        "--jobs",
        type=_positive,
        default=None,
        metavar="N",
        help="processes that route a large INPUT file in parallel (jsonl); default: one per core",
    )
    route.set_defaults(run=cmd_route)

    diagrams = sub.add_parser("diagrams", help="draw the blueprint diagrams with Graphviz")
    diagrams.add_argument("--process", type=Path, default=DEFAULT_PROCESS)
    diagrams.add_argument("--out", type=Path, default=Path("build/diagrams"), help="default: build/diagrams")
    diagrams.add_argument("--format", choices=("svg", "png"), default="svg")
    diagrams.add_argument(
        "--link-base",
        default="../",
        help="where the manual's root is, seen from the SVG files "
        "(default: ../, as in the built site's diagrams/ folder)",
    )
    diagrams.set_defaults(run=cmd_diagrams)

    check = sub.add_parser("check", help="prove the rules sound and measure the specification's coverage")
    check.add_argument("--process", type=Path, default=DEFAULT_PROCESS)
    check.add_argument("--features", type=Path, default=Path("features"))
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--strict", action="store_true", help="warnings (unmarked overlaps) fail too")
    check.set_defaults(run=cmd_check)

    diff = sub.add_parser(
        "diff",
        help="what a change to the process means: definition, tickets, Jira bundle",
        description="Compare two versions of the process. Each side is a file or a git revision of the process "
        "file; without NEW, the working copy. `cep diff main` shows what the working copy changes against main.",
    )
    diff.add_argument("old", metavar="OLD", help="a file, or a git revision (main, HEAD~1, v1.0.0, …)")
    diff.add_argument("new", metavar="NEW", nargs="?", help="a file or a git revision (default: the working copy)")
    diff.add_argument("--process", type=Path, default=DEFAULT_PROCESS, help=f"default: {DEFAULT_PROCESS}")
    diff.add_argument("--schema", type=Path, help=SCHEMA_CHOICE)
    diff.add_argument("--format", choices=("markdown", "json"), default="markdown")
    diff.set_defaults(run=cmd_diff)

    report = sub.add_parser(
        "report",
        help="judge ticket histories (Jira search results with changelog) against the process",
        description="Read ticket histories — pages of Jira's issue search with expand=names,changelog, as JSON or "
        "JSON Lines — and judge each against the process version in force when it was created: priority, route, "
        "time goals, hand-overs, returns. A history that cannot be read is reported as INPUT:LINE: error: … and the "
        "rest are still judged (exit 1).",
    )
    report.add_argument("inputs", nargs="*", type=Path, metavar="INPUT", help="JSON or JSON Lines files")
    report.add_argument(
        "--from-jira",
        action="store_true",
        help="pull the histories from Jira Cloud first (JIRA_URL, JIRA_EMAIL, JIRA_API_TOKEN from the environment)",
    )
    report.add_argument("--project", metavar="KEY", help="the Jira project to pull")
    report.add_argument("--since", metavar="DATE", help="pull issues updated since this date (first pull)")
    report.add_argument("--store", type=Path, help="where pulled histories are kept (default: reports/jira-KEY)")
    report.add_argument("--process", type=Path, default=DEFAULT_PROCESS)
    report.add_argument("--schema", type=Path, help=SCHEMA_CHOICE)
    report.add_argument("--at", metavar="ISO-TIME", help="judge open clocks at this moment (default: now)")
    report.add_argument(
        "--format",
        choices=("text", "json", "jsonl"),
        default="text",
        help="text or json: the summary; jsonl: one verdict per ticket",
    )
    report.add_argument("--out", type=Path, help="also write the tables (CSV, Parquet) and the summary here")
    report.add_argument(
        "--mapping", type=Path, metavar="FILE", help="how your site names fields and statuses, if not cep's bundle"
    )
    report.add_argument(
        "--jobs",
        type=_positive,
        default=None,
        metavar="N",
        help="processes that judge a large INPUT file of JSON Lines in parallel; default: one per core",
    )
    report.set_defaults(run=cmd_report)

    simulate = sub.add_parser(
        "simulate",
        help="run a load scenario through the process: what breaks first at 1x, 2x, 3x volume",
        description="A discrete-event simulation (SimPy) of the process under a load scenario. Writes the "
        "simulated ticket histories in the format cep report reads, and a summary of time-goal attainment, "
        "utilisation and queues with 95 % confidence intervals across replications.",
    )
    simulate.add_argument("--process", type=Path, default=DEFAULT_PROCESS)
    simulate.add_argument("--scenario", type=Path, help="a load scenario (YAML); default: the one cep ships")
    simulate.add_argument("--days", type=_positive, help="days simulated (default: the scenario's)")
    simulate.add_argument("--volume", default="1x", help="arrivals, as a multiple of the scenario's (default: 1x)")
    simulate.add_argument("--staff", action="append", default=[], metavar="TIER=N", help="people at a tier")
    simulate.add_argument("--seed", type=int, help="random seed (default: the scenario's); same seed, same output")
    simulate.add_argument("--replications", type=_positive, help="independent runs (default: the scenario's)")
    simulate.add_argument("--sweep", metavar="volume=1x,2x,3x", help="run at each volume; find the smallest staff")
    simulate.add_argument("--format", choices=("text", "json"), default="text")
    simulate.add_argument("--out", type=Path, help="write the histories and the summary here")
    simulate.set_defaults(run=cmd_simulate)

    spec = sub.add_parser(
        "spec",
        help="run the executable specification (features/) with cep's step vocabulary",
        description="Run the Gherkin scenarios with pytest-bdd and cep's step vocabulary; arguments after -- go "
        "to pytest (cep spec -- -q --cucumberjson=reports/cucumber.json). Exit code: pytest's.",
    )
    spec.add_argument("--process", type=Path, default=DEFAULT_PROCESS)
    spec.add_argument("--features", type=Path, default=Path("features"))
    spec.add_argument("pytest_args", nargs=argparse.REMAINDER, metavar="PYTEST-ARGS")
    spec.set_defaults(run=cmd_spec)

    jira = sub.add_parser("jira", help="the Jira configuration: export it, or plan, apply and check it on a site")
    jira_sub = jira.add_subparsers(dest="jira_command", required=True, metavar="COMMAND")
    export = jira_sub.add_parser("export", help="write the bundle (JSON) for Jira admins")
    export.add_argument("--process", type=Path, default=DEFAULT_PROCESS)
    export.add_argument("-o", "--output", metavar="FILE", help="default: standard output")
    export.set_defaults(run=cmd_jira_export)
    for mode, summary in (
        ("plan", "read the site (JIRA_URL, JIRA_EMAIL, JIRA_API_TOKEN) and say what apply would change"),
        ("apply", "make the site match the definition; run again to resume after a failure"),
        ("drift", "plan, exiting 1 when the site differs from the definition (for a scheduled CI job)"),
    ):
        command = jira_sub.add_parser(mode, help=summary, description=summary)
        command.add_argument("--project", required=True, metavar="KEY", help="the service project's key")
        command.add_argument("--process", type=Path, default=DEFAULT_PROCESS)
        command.add_argument("--format", choices=("text", "json"), default="text")
        command.set_defaults(run=cmd_jira_site)

    build = sub.add_parser("build", help="validate and build the manual (mkdocs build --strict)")
    build.add_argument("--site-dir", type=Path, default=Path("site"))
    _manual_options(build)
    build.set_defaults(run=cmd_build)

    serve = sub.add_parser("serve", help="serve the manual, rebuilt and reloaded as you edit (mkdocs serve)")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT", help="default: 127.0.0.1:8000")
    _manual_options(serve)
    serve.set_defaults(run=cmd_serve)

    init = sub.add_parser(
        "init",
        help="start a repository that keeps its escalation process with cep",
        description="Write a starter definition, a starter specification, the CI workflow, the pre-commit hooks "
        "and a README into DIR. Nothing that exists is overwritten.",
    )
    init.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR", help="default: .")
    init.add_argument("--from", dest="source", type=Path, metavar="FILE", help="start from this definition")
    init.set_defaults(run=cmd_init)
    return parser


def _manual_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--process", type=Path, help="default: the one mkdocs.yml names, else " + str(DEFAULT_PROCESS))
    command.add_argument(
        "--config",
        type=Path,
        default=Path("mkdocs.yml"),
        help="the repository's own settings, laid over the standard manual's; optional (default: mkdocs.yml)",
    )


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # as an exception, so that staging folders and workers are cleaned up


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _terminated)
    run: Callable[[argparse.Namespace], int] = args.run
    if isinstance(sys.stdout, io.TextIOWrapper):  # JSON, JSON Lines and Markdown are UTF-8, whatever the locale
        sys.stdout.reconfigure(encoding="utf-8")
    try:
        return run(args)
    except CepError as error:
        print(error, file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
