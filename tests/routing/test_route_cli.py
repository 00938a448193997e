"""`cep route`: the JSON Lines contract, the table, and bad lines reported without stopping."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from project import ROOT

TICKETS = [
    {
        "id": "A",
        "category": "bug",
        "urgency": "high",
        "impact": "team",
        "created": "2026-11-27T16:00:00+02:00",
        "reproduced": True,
    },
    {
        "id": "B",
        "category": "feedback",
        "urgency": "low",
        "impact": "team",
        "created": "2026-11-30T09:00:00+02:00",
    },
    {
        "id": "C",
        "category": "how-to",
        "urgency": "low",
        "impact": "individual",
        "created": "2026-11-30T09:00:00+02:00",
    },
]
STDIN = "".join(json.dumps(t) + "\n" for t in TICKETS)


def _lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def test_jsonl_has_exactly_the_documented_keys(run_cli) -> None:
    result = run_cli("route", "--format", "jsonl", stdin=STDIN)
    assert result.code == 0, result
    a, b, c = _lines(result.out)
    base = ["id", "route", "priority", "trigger", "notify", "first_response_due", "resolution_due"]
    assert list(a) == [*base, "acknowledge_due", "missing_fields", "explanation"]
    assert list(b) == [*base, "review_due", "acknowledge_due", "missing_fields", "explanation"]
    assert list(c) == [*base, "missing_fields", "explanation"]
    assert (a["route"], a["priority"], a["trigger"], a["notify"]) == (
        "tier-2-pm",
        "P2",
        "confirmed-bug",
        ["#cep-escalations"],
    )
    assert a["first_response_due"] == "2026-11-30T11:00:00+02:00"
    assert (b["resolution_due"], b["review_due"]) == (None, "2026-12-14T09:00:00+02:00")
    assert (c["route"], c["trigger"], c["notify"], c["missing_fields"]) == ("tier-1", None, [], [])
    assert "urgency high × impact team" in a["explanation"] and "confirmed-bug" in a["explanation"]


def test_clocks_with_at(run_cli) -> None:
    result = run_cli("route", "--format", "jsonl", "--at", "2026-11-30T10:30:00+02:00", stdin=STDIN)
    a = _lines(result.out)[0]
    assert a["clocks"] == {
        "first_response": {
            "due": "2026-11-30T11:00:00+02:00",
            "state": "at-risk",
            "action": "warn",
            "notify": ["#cep-sla-alerts"],
        },
        "resolution": {"due": "2026-12-02T16:00:00+02:00", "state": "ok", "action": None, "notify": []},
        "acknowledge": {
            "due": "2026-11-30T09:00:00+02:00",
            "state": "breached",
            "action": "alert:technical-program-manager",
            "notify": ["#cep-sla-alerts"],
        },
    }


def test_bad_lines_are_reported_and_the_rest_routed(run_cli, tmp_path) -> None:
    path = tmp_path / "tickets.jsonl"
    path.write_text(
        STDIN.replace("\n", "\n{oops\n", 1) + '{"id": "D", "category": "bugg", "urgency": "low", '
        '"impact": "team", "created": "2026-11-30T09:00:00+02:00"}\n'
        '{"id": "E", "category": "bug", "urgency": "low", "impact": "team", "created": "2026-11-30T09:00"}\n'
    )
    result = run_cli("route", "--format", "jsonl", str(path))
    assert result.code == 1
    assert [d["id"] for d in _lines(result.out)] == ["A", "B", "C"]
    assert result.err.splitlines() == [
        f"{path}:2: error: not valid JSON: Expecting property name enclosed in double quotes (column 2)",
        f"{path}:5: error: unknown category 'bugg'; known: how-to, account, content, bug, outage, feature-request, "
        "feedback (did you mean 'bug'?)",
        f"{path}:6: error: 'created' has no UTC offset: '2026-11-30T09:00' (add one, like +02:00 or Z)",
    ]


def test_missing_fields_return_the_ticket_to_tier_1(run_cli) -> None:
    ticket = {
        **TICKETS[0],
        "fields": {
            "summary": "Headset freezes",
            "Customer organisation": "Acme",
            "description": "",
            "expected-outcome": "runs",
        },
    }
    out = _lines(run_cli("route", "--format", "jsonl", stdin=json.dumps(ticket)).out)[0]
    assert (out["route"], out["trigger"], out["notify"]) == ("tier-1", "confirmed-bug", [])
    assert out["missing_fields"] == ["description", "actual_outcome", "steps_to_reproduce"]
    assert "acknowledge_due" not in out


def test_table_format(run_cli) -> None:
    result = run_cli("route", "--format", "table", stdin=STDIN)
    lines = result.out.splitlines()
    assert lines[0].split() == [
        "id",
        "route",
        "priority",
        "trigger",
        "first",
        "response",
        "due",
        "resolution",
        "/",
        "review",
        "due",
        "missing",
    ]
    assert lines[2].split()[:4] == ["A", "tier-2-pm", "P2", "confirmed-bug"]
    assert "Mon 2026-11-30 11:00 +0200" in lines[2]


def test_bad_at_and_missing_input_are_usage_errors(run_cli) -> None:
    assert run_cli("route", "--at", "tomorrow", stdin="").code == 2
    result = run_cli("route", "no-such.jsonl")
    assert (result.code, result.err) == (2, "no-such.jsonl: error: cannot read: No such file or directory\n")


def test_fast_json_lines_equal_the_reference_encoding(process) -> None:
    # `cep route` writes lines from cached fragments; they must be exactly json.dumps of the documented object.
    import itertools

    from cep.routing.encode import LineEncoder, decision_json
    from cep.routing.router import Router
    from cep.routing.tickets import TicketParser

    router, parser = Router(process), TicketParser(process)
    encoder = LineEncoder(router)
    domains = process.domains()
    combos = itertools.product(
        domains["category"], domains["urgency"], domains["impact"], (True, False), ("tier-1", "tier-2-pm")
    )
    for n, (category, urgency, impact, reproduced, tier) in enumerate(combos):
        ticket = parser.parse(
            {
                # ids with every kind of character JSON writes differently: escapes, controls, line separators
                "id": (f"T-{n} a/b.c:d_e", f't"{n}é\\\n', f"\x00\x1f\x7f\u2028\u2029😀{n}")[n % 3],
                "category": category,
                "urgency": urgency,
                "impact": impact,
                "reproduced": reproduced,
                "tier": tier,
                "needs_code_change": n % 3 == 0,
                "created": f"2026-12-{1 + n % 28:02d}T{n % 24:02d}:17:00+02:00",
                **({"fields": {"summary": "x"}} if n % 5 == 0 else {}),
                **({"escalated": f"2026-12-{2 + n % 27:02d}T09:00:00+02:00"} if n % 4 == 0 else {}),
                # a wait that ended, and one still open (the resolution deadline is then unknown: null)
                **(
                    {"waiting": [[f"2026-12-{1 + n % 28:02d}T23:00:00+02:00", "2026-12-30T10:00:00+02:00"]]}
                    if n % 7 == 0
                    else {}
                ),
                **({"waiting": [["2026-12-29T10:00:00+02:00", None]]} if n % 11 == 0 else {}),
            }
        )
        reference = json.dumps(decision_json(router.route(ticket)), ensure_ascii=False).encode() + b"\n"
        assert encoder.line(ticket) == reference


def test_lines_read_in_one_step_give_what_reading_field_by_field_gives(process) -> None:
    # Lines with only the triage fields take msgspec's typed path; every answer, ticket or message, must be the
    # one the general path (JSON, then TicketParser.parse) gives.
    import itertools

    from cep.routing.tickets import TicketParser, read_tickets

    parser = TicketParser(process)
    variants = {
        "id": ["A-1", 7, 2**70, True, 1.5, None, "é"],
        "category": ["bug", "bugg", ["bug"], None],
        "created": [
            "2026-12-16T10:00:00+02:00",
            "2026-12-16T10:00:00Z",
            "2026-12-16T10:00:00.123456+02:00",
            "2026-12-16 10:00:00+02:00",
            "2026-12-16T10:00:00",
            "2016-12-31T23:59:60+00:00",
            "0001-01-01T00:00:00+00:00",
            "yesterday",
            5,
        ],
        "reproduced": [True, False, None, 1, "absent"],
        "tier": ["tier-2-pm", "tier-9", None, "absent"],
    }
    for values in itertools.product(*variants.values()):
        ticket = {name: value for name, value in zip(variants, values, strict=True) if value != "absent"}
        line = json.dumps({**ticket, "urgency": "high", "impact": "team"}).encode()
        try:
            expected: object = parser.parse(json.loads(line))
        except ValueError as error:
            expected = str(error)
        found = next(read_tickets([line], "t", process))
        assert (found if isinstance(found, tuple) else found.message) == expected, line
    duplicate = b'{"id": "A", "category": "bug", "category": "outage", "urgency": "low", "impact": "team", '
    for line in (duplicate, duplicate.replace(b'"category": "outage"', b'"\\u0063ategory": "outage"')):
        problem = next(read_tickets([line + b'"created": "2026-12-16T10:00:00Z"}'], "t", process))
        assert str(problem) == "t:1: error: the field 'category' is given twice"
    base = b'"category": "bug", "urgency": "low", "impact": "team", "created": "2026-12-16T10:00:00Z"'
    twice = {  # a key given twice, whatever its values' types, compact or spaced, is found
        "reproduced": b'{"id": "A", "reproduced": true, ' + base + b', "reproduced": false}',
        "id": b'{"id": 5, ' + base + b', "id": "x"}',
        "tier": b'{"id":"A","tier":"tier-1",' + base.replace(b": ", b":").replace(b", ", b",") + b',"tier":"tier-1"}',
        "urgency": b'{ "id" : "A" , ' + base + b' , "urgency" : "high" }',
    }
    for key, line in twice.items():
        assert str(next(read_tickets([line], "t", process))) == f"t:1: error: the field '{key}' is given twice"
    nested = b'{"id": "B", "category": "bug", "urgency": "low", "impact": "team", "created": "2026-12-16T10:00:00Z", '
    assert next(read_tickets([nested + b'"fields": {"id": "x"}}'], "t", process)).id == "B"  # one key, two objects


def test_lines_routed_straight_from_their_triage_fields_equal_the_reference_encoding(process) -> None:
    # Triage-shaped lines skip making a Ticket; what they give must be json.dumps of the documented object.
    import io
    import itertools

    from cep.routing.encode import LineEncoder, decision_json
    from cep.routing.router import Router
    from cep.routing.stream import write_jsonl
    from cep.routing.tickets import TicketParser

    router, parser = Router(process), TicketParser(process)
    domains = process.domains()
    # a weekday morning, a night, a Saturday, a public holiday (16 December), other UTC offsets, a leap second
    moments = ["2026-12-15T09:30:00+02:00", "2026-12-15T23:10:00+02:00", "2026-12-19T11:00:00+02:00"]
    moments += ["2026-12-16T10:00:00+02:00", "2026-12-15T07:30:00Z", "2026-12-15T16:59:59-05:00"]
    moments += ["2026-12-15T09:30:00.25+05:30", "2016-12-31T23:59:60+00:00", "2026-12-15T09:30:00"]
    combos = itertools.product(
        domains["category"], domains["urgency"], domains["impact"], (True, False), ("tier-1", "tier-2-pm"), moments
    )
    for n, (category, urgency, impact, reproduced, tier, created) in enumerate(combos):
        values = {"category": category, "urgency": urgency, "impact": impact, "created": created}
        line = json.dumps({"id": n if n % 2 else f"T{n}", **values, "reproduced": reproduced, "tier": tier}).encode()
        try:
            decision = router.route(parser.parse(json.loads(line)))
            expected = (json.dumps(decision_json(decision), ensure_ascii=False) + "\n").encode(), ""
        except ValueError as error:
            expected = b"", f"t:1: error: {error}\n"
        out, err = io.BytesIO(), io.StringIO()
        write_jsonl(LineEncoder(router), [line], "t", None, out, err)
        assert (out.getvalue(), err.getvalue()) == expected, line


def test_lines_that_are_not_utf8_are_reported(run_cli, tmp_path) -> None:
    path = tmp_path / "tickets.jsonl"
    path.write_bytes(STDIN.encode("utf-8-sig") + b'{"id": "caf\xe9"}\n')  # a byte-order mark is not a problem
    result = run_cli("route", "--format", "jsonl", str(path))
    assert result.code == 1
    assert len(_lines(result.out)) == 3
    assert result.err == f"{path}:4: error: not UTF-8 text: byte 0xe9 (column 12)\n"


def _cep_route(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cep", "route", "--format", "jsonl", *args], cwd=ROOT, capture_output=True, text=True
    )


def test_a_large_file_routed_in_parallel_gives_the_same_lines_and_problems(tmp_path) -> None:
    from cep.parallel import pieces

    tickets = [dict(t, id=f"{t['id']}{n}") for n in range(4_000) for t in TICKETS]
    lines = [json.dumps(t) for t in tickets]
    bad = {2: "{oops", 6_001: '{"id": "X"}', len(lines) + 1: '{"id": "Y", "category": "bugg"}'}
    for number, line in sorted(bad.items()):
        lines.insert(number - 1, line)
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size > pieces.SPLIT_FROM  # large enough to be split
    with path.open("rb") as stream:
        assert pieces.worth_splitting(stream, 2)
        assert not pieces.worth_splitting(stream, 1)

    alone, parallel = _cep_route("--jobs", "1", str(path)), _cep_route("--jobs", "3", str(path))
    assert parallel.returncode == alone.returncode == 1
    assert parallel.stdout == alone.stdout
    assert [d["id"] for d in _lines(parallel.stdout)] == [t["id"] for t in tickets]
    assert parallel.stderr == alone.stderr
    assert [line.split(":")[1] for line in parallel.stderr.splitlines()] == [str(n) for n in sorted(bad)]

    at = "2026-12-01T12:00:00+02:00"
    assert (
        _cep_route("--jobs", "2", "--at", at, str(path)).stdout
        == _cep_route("--jobs", "1", "--at", at, str(path)).stdout
    )


def test_jobs_must_be_a_positive_number(run_cli, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        run_cli("route", "--jobs", "0")
    assert exit_.value.code == 2
    assert "--jobs: expected a whole number of at least 1, not '0'" in capsys.readouterr().err


@pytest.fixture
def start_routing():
    """Starts `cep route --jobs 2` on a file and gives it back once its first output has come: both workers are
    then forked and busy (their output is far more than the pipes hold, so neither can have finished). Waits on
    that condition, not on the clock. Whatever a test leaves running is killed and reaped after it."""
    started: list[subprocess.Popen[bytes]] = []

    def start(path: Path, *, group: bool = False) -> tuple[subprocess.Popen[bytes], list[int], bytes]:
        routing = subprocess.Popen(
            [sys.executable, "-m", "cep", "route", "--jobs", "2", "--format", "jsonl", str(path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,  # what is not read here is left to `communicate`, none of it in a buffer
            start_new_session=group,  # its own group, as a shell's job: Ctrl-C reaches the command and its workers
        )
        started.append(routing)
        assert routing.stdout is not None
        first = routing.stdout.read(1)
        children = Path(f"/proc/{routing.pid}/task/{routing.pid}/children").read_text().split()
        assert first and len(children) == 2
        return routing, [int(pid) for pid in children], first

    yield start
    for routing in started:  # a test that failed half-way leaves no process, and so no warning, to the next
        if routing.poll() is None:
            routing.kill()
        routing.communicate()


def _stop(pid: int) -> None:
    """SIGSTOP `pid` and wait until the kernel shows it stopped."""
    os.kill(pid, signal.SIGSTOP)
    while Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "T":
        os.sched_yield()


def test_a_killed_worker_is_reported_and_its_pieces_routed_without_it(tmp_path, start_routing) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text(STDIN * 50_000)  # 150,000 tickets: seconds of work, so the workers are still busy
    routing, workers, first = start_routing(path)
    os.kill(workers[0], signal.SIGKILL)
    out, err = routing.communicate(timeout=120)
    assert routing.returncode == 0
    assert (
        err.decode() == "cep route: warning: a worker process was stopped (SIGKILL); its pieces were done without it\n"
    )
    assert first + out == _cep_route("--jobs", "1", str(path)).stdout.encode()


def test_a_worker_that_fails_gives_what_routing_alone_gives(process, tmp_path) -> None:
    """A worker whose code fails ends without a word; its pieces are routed here, so `--jobs 3` writes exactly
    what routing alone writes, problems included."""
    import io

    from cep.routing import stream as route_jsonl
    from cep.routing.encode import LineEncoder
    from cep.routing.router import Router

    path = tmp_path / "many.jsonl"
    path.write_text(STDIN * 20_000 + '{"id": "late", "category": "bugg"}\n')
    parent, router = os.getpid(), LineEncoder(Router(process))
    route = router.triage_line

    def failing_in_a_worker(line):
        if os.getpid() != parent:
            raise RuntimeError("a fault in a worker")
        return route(line)

    router.triage_line = failing_in_a_worker
    alone_out, alone_err = io.BytesIO(), io.StringIO()
    with path.open("rb") as stream:
        alone_failed = route_jsonl.write_jsonl(router, stream, str(path), None, alone_out, alone_err)
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    with path.open("rb") as stream:
        failed = route_jsonl.write_jsonl_split(router, stream, str(path), None, 3, out, err)
        assert stream.tell() == path.stat().st_size
    out.flush()
    assert (failed, err.getvalue()) == (alone_failed, alone_err.getvalue())
    assert alone_failed and alone_err.getvalue().startswith(f"{path}:60001: error: ")
    assert out.buffer.getvalue() == alone_out.getvalue()


@pytest.mark.parametrize("who", ["everyone", "the workers first"])
def test_ctrl_c_stops_the_workers_and_says_nothing(tmp_path, start_routing, who: str) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text(STDIN * 50_000)
    routing, workers, _ = start_routing(path, group=True)
    if who == "everyone":
        os.killpg(routing.pid, signal.SIGINT)
    else:  # which process reacts first to Ctrl-C is up to the scheduler: this is the order the command must read
        for worker in workers:  # held still, so that neither is gone (and reaped) before both are signalled
            _stop(worker)
        for worker in workers:
            os.kill(worker, signal.SIGINT)
        for worker in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker, signal.SIGCONT)
    _, err = routing.communicate(timeout=120)
    assert (routing.returncode, err) == (130, b"")
    for worker in workers:  # gone, and reaped: none is left behind
        with pytest.raises(ProcessLookupError):
            os.kill(worker, 0)


def test_output_is_utf8_whatever_the_locale(tmp_path) -> None:
    path = tmp_path / "tickets.jsonl"
    path.write_text(STDIN)
    done = subprocess.run(
        [sys.executable, "-m", "cep", "route", "--format", "jsonl", str(path)],
        cwd=ROOT,
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "latin-1"},  # a terminal that cannot show "—"
    )
    assert done.returncode == 0, done.stderr
    assert "— Customer Support" in done.stdout.decode("utf-8")


def test_times_outside_the_years_cep_routes_are_reported(run_cli) -> None:
    far = [dict(TICKETS[0], id=year, created=f"{year}-01-01T00:30:00+02:00") for year in ("0001", "9999", "2100")]
    result = run_cli("route", "--format", "jsonl", stdin="".join(json.dumps(t) + "\n" for t in far))
    assert result.code == 1
    assert result.err.splitlines() == [
        f"<stdin>:{n}: error: 'created' is outside the years cep routes (1970–2100): '{year}-01-01T00:30:00+02:00'"
        for n, year in ((1, "0001"), (2, "9999"))
    ]
    assert [d["id"] for d in _lines(result.out)] == ["2100"]


def test_hostile_lines_are_reported_not_raised(run_cli, tmp_path) -> None:
    base = '"urgency": "low", "impact": "team", "created": "2026-11-30T09:00:00+02:00"'
    lines = [
        "[" * 100_000 + "]" * 100_000,
        '{"id": ["A"], "category": "bug", ' + base + "}",
        '{"id": 1e999, "category": "bug", ' + base + "}",
        '{"id": "A", "category": ["bug"], ' + base + "}",
        '{"id": 7, "category": "bug", ' + base + "}",
        '{"id": "B", "category": "bug", "waiting": [["2026-12-01T10:00:00+02:00", "2026-12-01T09:00:00+02:00"]], '
        + base
        + "}",
        '{"id": "\\ud800", "category": "bug", ' + base + "}",
        '{"id": 123456789012345678901234567890, "category": "bug", ' + base + "}",  # wider than 64 bits
    ]
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(lines) + "\n")
    result = run_cli("route", "--format", "jsonl", str(path))
    assert result.code == 1
    assert [line.split(": error: ")[1] for line in result.err.splitlines()] == [
        "not a ticket: JSON nested too deeply",
        "'id' must be text or a whole number",
        "'id' must be text or a whole number",
        "unknown category ['bug']; known: how-to, account, content, bug, outage, feature-request, feedback "
        "(did you mean 'bug'?)",
        "'waiting' ends before it starts: ['2026-12-01T10:00:00+02:00', '2026-12-01T09:00:00+02:00']",
        "'id' is not text: it holds a lone UTF-16 surrogate",
    ]
    assert [d["id"] for d in _lines(result.out)] == ["7", "123456789012345678901234567890"]


def test_a_file_on_stdin_is_routed_from_where_it_is_read(tmp_path) -> None:
    # `(head -1; cep route) < tickets.jsonl`: the lines before the shared position are not cep's to route.
    path = tmp_path / "many.jsonl"
    path.write_text(STDIN * 5_000)  # 15,000 tickets, over a megabyte: split on every core
    skipped = len(STDIN.splitlines(keepends=True)[0])
    outputs = []
    for jobs in ("1", "2"):
        with path.open("rb") as stdin:
            os.lseek(stdin.fileno(), skipped, os.SEEK_SET)
            done = subprocess.run(
                [sys.executable, "-m", "cep", "route", "--format", "jsonl", "--jobs", jobs],
                cwd=ROOT,
                stdin=stdin,
                capture_output=True,
                text=True,
            )
            assert os.lseek(stdin.fileno(), 0, os.SEEK_CUR) == path.stat().st_size  # read to the end
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert [d["id"] for d in _lines(outputs[1])[:3]] == ["B", "C", "A"]
    assert len(_lines(outputs[1])) == 15_000 - 1


def test_a_template_field_whose_id_is_not_in_snake_case_is_found_filled(tmp_path) -> None:
    """The schema lets an id have capitals and hyphens; a ticket giving the field by that id has filled it."""
    from datetime import datetime

    from cep.routing.router import Router
    from cep.routing.tickets import Ticket
    from project import load_changed

    def rename(data: dict) -> None:
        for template in data["templates"]:
            for field in template["fields"]:
                if field["id"] == "expected_outcome":
                    field["id"] = "Expected-Outcome"

    router = Router(load_changed(tmp_path, rename))
    given = {"customer_organisation": "A", "actual_outcome": "b", "steps_to_reproduce": "c", "environment": "d"}
    ticket = Ticket("T-1", "bug", "high", "team", datetime.fromisoformat("2026-12-01T10:00:00+02:00"), True, "tier-1")
    lacking = router.route(ticket._replace(fields=given)).missing_fields
    assert "Expected-Outcome" in lacking
    filled = router.route(ticket._replace(fields={**given, "Expected-Outcome": "it works"})).missing_fields
    assert "Expected-Outcome" not in filled and set(lacking) - set(filled) == {"Expected-Outcome"}
