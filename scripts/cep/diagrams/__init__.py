"""Blueprint diagrams drawn with Graphviz from the model: one registry that drives the CLI and the manual."""

from __future__ import annotations

import shutil
from collections.abc import Callable

import graphviz

from ..definition.model import Process
from ..problems import UsageError
from . import blueprint, communication, flow, matrix, overview
from .style import accessible

DIAGRAMS: dict[str, Callable[[Process], tuple[graphviz.Digraph, str, str]]] = {
    "flow": flow.build,
    "blueprint": blueprint.build,
    "communication": communication.build,
    "matrix": matrix.build,
    "overview": overview.build,
}
INSTALL_HINT = "Graphviz's `dot` is not installed: install it with `apt-get install graphviz` (Debian/Ubuntu)"


class DotMissing(UsageError):
    """Graphviz's `dot` program is not on PATH (exit 2)."""


def render(process: Process, name: str, fmt: str = "svg") -> bytes:
    """One diagram rendered by `dot`; SVG gets a title and description for screen readers."""
    if shutil.which("dot") is None:
        raise DotMissing(f"cep diagrams: error: {INSTALL_HINT}")
    graph, title, description = DIAGRAMS[name](process)
    try:
        output = graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise DotMissing(f"cep diagrams: error: {INSTALL_HINT}") from None
    if fmt != "svg":
        return output
    return accessible(output.decode("utf-8"), name, title, description).encode("utf-8")
