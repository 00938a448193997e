"""`cep report` on TICKETS ticket histories (default 100,000; BENCH_REPORT_TICKETS=1000000 for the issue's full
size), made by simulating the default scenario and repeating its issues under new keys, as pages of 100 issues
per JSON line:
- ingestion: `cep report --format jsonl` against its floors, a plain read of the same file by msgspec (one process)
  and by DuckDB (its JSON reader, every core), the two the issue names; and, to show where the time goes, cep's
  reading alone (its typed decode of the histories, one process) against the msgspec floor;
- the tables: `cep report --out` (the verdicts as CSV, Parquet and XES, and their summary) against
  `cep report --format jsonl`: what writing the tables adds to judging;
- aggregation: cep's summary of the Parquet tables it wrote (report.aggregate.summarise) against its floor, DuckDB
  running the same SQL over the same Parquet files, one query after another;
- peak memory of `cep report` (of its largest process), with `--format jsonl` and with `--out`.
Medians of RUNS, taking turns."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from common import BIN, ROOT, interleaved_medians, peak_mib, report

TICKETS = int(os.environ.get("BENCH_REPORT_TICKETS", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
AT = "2028-03-01T00:00:00+02:00"

FLOOR_READ = """
import sys, msgspec
decoder = msgspec.json.Decoder()
with open(sys.argv[1], "rb") as f:
    issues = sum(len(decoder.decode(line)["issues"]) for line in f)
"""

FLOOR_SQL = """
import sys, duckdb
sys.path.insert(0, sys.argv[2])
from cep.report.aggregate import QUERIES, query_text
from cep.report.tables import TABLES
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
for name in TABLES:
    con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{sys.argv[1]}/{name}.parquet')")
for query in QUERIES:
    con.execute(query_text(query)).fetchall()
"""

FLOOR_DUCKDB_READ = """
import sys, duckdb
path = sys.argv[1].replace("'", "''")
duckdb.sql(
    f"SELECT sum(len(issues)) FROM read_json('{path}', format = 'newline_delimited', maximum_object_size = 1073741824)"
).fetchall()
"""

CEP_READ = """
import sys
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from cep.report.history import read_histories
issues = sum(1 for _ in read_histories(Path(sys.argv[1]), "histories"))
"""

CEP_SQL = """
import sys
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from cep.report.aggregate import summarise
summarise(Path(sys.argv[1]))
"""


def histories(path: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    from dataclasses import replace

    from cep.definition.loader import load_process
    from cep.simulate.model import Simulation
    from cep.simulate.scenario import load_scenario

    process = load_process(ROOT / "process" / "escalation.yaml")
    scenario = replace(load_scenario(None, process), days=91)
    sim = Simulation(process, scenario, 0).run()
    issues = [builder.issue() for builder in sim.issues]
    with path.open("w", encoding="utf-8") as out:
        written, copy = 0, 0
        while written < TICKETS:
            page = []
            for issue in issues:
                if written + len(page) >= TICKETS or len(page) == 100:
                    out.write(json.dumps(sim.site.page(page)) + "\n")
                    written += len(page)
                    page = []
                    if written >= TICKETS:
                        break
                page.append({**issue, "key": f"{issue['key']}-{copy}"})
            if page and written < TICKETS:
                out.write(json.dumps(sim.site.page(page)) + "\n")
                written += len(page)
            copy += 1


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="cep-bench-report-") as tmp:
        work = Path(tmp)
        source = work / "histories.jsonl"
        histories(source)
        size = source.stat().st_size / 2**20
        cep = [str(BIN / "cep"), "report", str(source), "--at", AT]
        scripts, tables = str(ROOT / "scripts"), str(work / "out")
        ingest, floor, duckdb_floor, with_tables, reading = interleaved_medians(
            [
                [*cep, "--format", "jsonl"],
                [sys.executable, "-c", FLOOR_READ, str(source)],
                [sys.executable, "-c", FLOOR_DUCKDB_READ, str(source)],
                [*cep, "--out", str(work / "out")],
                [sys.executable, "-c", CEP_READ, str(source), scripts],
            ],
            RUNS,
        )
        peak = max(peak_mib([*cep, "--format", "jsonl"]), peak_mib([*cep, "--out", str(work / "out")]))
        report(f"cep report ingestion, {TICKETS:,} histories ({size:.0f} MiB) vs a msgspec read", ingest, floor)
        report("cep report ingestion vs a DuckDB read of the same file", ingest, duckdb_floor)
        report("  of which cep's reading alone (typed decode, one process) vs a msgspec read", reading, floor)
        report("cep report --out (tables and summary) vs cep report --format jsonl", with_tables, ingest)
        print(f"  peak memory of a cep report run (--format jsonl, --out): {peak:.0f} MiB")
        aggregate, sql_floor = interleaved_medians(
            [[sys.executable, "-c", CEP_SQL, tables, scripts], [sys.executable, "-c", FLOOR_SQL, tables, scripts]], RUNS
        )
        report("cep report aggregation (its summary of its Parquet tables) vs DuckDB on them", aggregate, sql_floor)


if __name__ == "__main__":
    main()
