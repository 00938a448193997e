"""The "Changelog" page: one entry per process version in the git history of the definition, each with what
`cep diff` says changed since the version before."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..definition.loader import load_process
from ..definition.model import Process
from ..diff import compare
from ..diff.report import changes_list, headline
from ..diff.revisions import releases
from ..problems import InvalidProcess
from .text import code, esc


def changelog(process_file: Path, schema: Path, current: Process) -> str:
    working = process_file.read_bytes()
    found = releases(process_file, current.meta.version, working)

    @cache
    def model(i: int) -> Process:
        release = found[i]
        if release.content == working:
            return current  # already loaded for this build
        return load_process(process_file, schema, display=f"version {release.version}", content=release.content)

    out = []
    for i in reversed(range(len(found))):
        release, commit = found[i], found[i].commit
        # The date and commit, not the commit's subject: that is written for developers, this page for readers.
        when = f"{commit.date} (commit {code(commit.sha[:7])})" if commit else "not committed yet"
        out.append(f"## Version {esc(release.version)}\n\n*{when}*\n\n")
        if i == 0:
            out.append("The first version of the process in this repository's history.\n\n")
            continue
        try:
            old, new = model(i - 1), model(i)
        except InvalidProcess:  # the validator's message is for the definition's authors: `cep diff` shows it
            out.append("Not compared with the version before: one of the two no longer passes today's checks.\n\n")
            continue
        diff = compare(old, new, f"version {found[i - 1].version}", f"version {release.version}")
        out.append(headline(diff) + "\n\n" + changes_list(diff.definition) + "\n")
    return "".join(out)
