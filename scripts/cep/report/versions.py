"""Which version of the process was in force when a ticket was created: the definition's releases in its git
history (the commits where `process.version` changed, as the Changelog page reads them), each in force from its
commit date until the next; without a history, the definition as it is."""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, datetime
from pathlib import Path

from ..definition.loader import load_process
from ..definition.model import Process
from ..diff.revisions import releases
from ..problems import InvalidProcess


class InForce:
    """The process versions of a definition's history, and the one in force at a moment."""

    def __init__(self, path: Path, current: Process, schema: Path | None = None) -> None:
        found: list[tuple[datetime, str, Process]] = []
        for release in releases(path, current.meta.version, path.read_bytes()):
            if release.commit is None:
                continue  # not committed: in force for no ticket yet
            try:
                process = load_process(path, schema, display=f"version {release.version}", content=release.content)
            except InvalidProcess:
                continue  # a version today's schema no longer reads: its tickets are judged by the one before
            found.append((datetime.fromisoformat(release.commit.date).replace(tzinfo=UTC), release.version, process))
        self.versions = found or [(datetime.min.replace(tzinfo=UTC), current.meta.version, current)]
        self._starts = [start for start, _, _ in self.versions]

    def at(self, moment: datetime) -> tuple[str, Process]:
        """The version in force at `moment` (before the first release: the first)."""
        _, version, process = self.versions[max(bisect_right(self._starts, moment) - 1, 0)]
        return version, process
