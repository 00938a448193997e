"""The Node tools the Jira tests use, installed by `make install` from `tests/node/package.json`: Atlassian's JQL
grammar (@atlassianlabs/jql-ast) and Stoplight's Prism mock server, run on Atlassian's platform spec."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NODE = Path(__file__).parents[1] / "node"
SPEC = Path(__file__).parent / "atlassian" / "jira-platform-openapi.json"


def jql_errors(queries: list[str]) -> dict[str, list[str]]:
    """Each query → the syntax errors Atlassian's JQL grammar finds in it."""
    done = subprocess.run(
        ["node", str(NODE / "jql-check.js")],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        check=True,
        cwd=NODE,
    )
    return json.loads(done.stdout)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def prism() -> Iterator[str]:
    """Prism mocking Atlassian's platform spec; yields its base URL once Prism says it listens."""
    port = _free_port()
    server = subprocess.Popen(  # closed in `finally`, once the reader is done
        [str(NODE / "node_modules" / ".bin" / "prism"), "mock", "--port", str(port), str(SPEC)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert server.stdout is not None
    listening = threading.Event()

    def drain() -> None:  # reads all Prism says, so that its pipe never fills
        for line in server.stdout:
            if "Prism is listening" in line:
                listening.set()
        listening.set()  # it stopped: let the waiter see that

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        listening.wait(timeout=600)  # the bound on a broken start; the wait ends when Prism says it listens
        assert server.poll() is None, f"Prism stopped before it listened (exit {server.returncode})"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait()
        reader.join()
        server.stdout.close()
