"""What every diagram shares: palette, label escaping, node ids, links into the manual, accessible SVG."""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable

import graphviz

from ..manual import pages

ROOT = "__cep_root__/"  # replaced by the path to the site root wherever an SVG is placed

# Pastel fills with dark text read on the light and the dark palette alike; lines and free text are restyled
# for the dark palette by the manual's stylesheet.
INK = "#1f1f1f"
LINE = "#5c6bc0"
FILLS = {
    "tier": "#e3e8fd",
    "role": "#fff3d6",
    "channel": "#dff5e3",
    "event": "#f3e5f5",
    "customer": "#ffe0e0",
    "system": "#eceff1",
    "step": "#ffffff",
}
FONT = "Helvetica,Arial,sans-serif"
FREE = {"class": "cep-free"}  # text drawn on the page background, recoloured for the dark palette


def label(text: str) -> str:
    """Text for a plain graphviz label, shown as written: backslashes (\\N), <...> (HTML labels) and character
    entities (graphviz reads &amp; as &) lose their special meaning."""
    return graphviz.escape(text.replace("&", "&amp;"))


def wrap(text: str, width: int = 24) -> str:
    """Text broken into short lines, so that a label does not widen the diagram."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False))


def html_text(text: str) -> str:
    """Text inside an HTML-like graphviz label; a backslash still starts an escape there, so it is doubled."""
    return html.escape(text, quote=True).replace("\\", "\\\\")


def node_id(kind: str, ident: str, index: int) -> str:
    """A safe, unique node id: never the author's text, which may hold anything."""
    return f"{kind}{index}_{re.sub(r'[^A-Za-z0-9]', '_', ident)[:40]}"


def href(page: str, kind: str = "", ident: str = "") -> str:
    """A link to a manual page (and section), relative to the site root placeholder."""
    url = page.removesuffix(".md")
    url = "" if url == "index" else url + "/"
    fragment = f"#{pages.anchor(kind, ident)}" if kind else ""
    return f"{ROOT}{url}{fragment}"


def new_graph(name: str, title: str, **graph_attr: str) -> graphviz.Digraph:
    graph = graphviz.Digraph(
        name,
        graph_attr={
            "label": label(title),
            "labelloc": "t",
            "fontsize": "20",
            "fontname": FONT,
            "bgcolor": "transparent",
            "pad": "0.3",
            **graph_attr,
        },
    )
    graph.attr(
        "node",
        fontname=FONT,
        fontsize="12",
        color=LINE,
        fontcolor=INK,
        style="filled,rounded",
        shape="box",
        fillcolor=FILLS["step"],
    )
    graph.attr("edge", fontname=FONT, fontsize="10", color=LINE, fontcolor=LINE)
    return graph


_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_ANCHOR = re.compile(r'<a ([^>]*?)xlink:title="([^"]*)">(.*?)</a>', re.S)


def _name_textless_link(match: re.Match[str]) -> str:
    """A link drawn as a line or a shape alone (an edge's path) is named by its tooltip; one with text keeps it."""
    attributes, tooltip, inside = match.groups()
    named = "" if "<text" in inside else f' aria-label="{tooltip}"'  # the tooltip is escaped for XML already
    return f'<a {attributes}xlink:title="{tooltip}"{named}>{inside}</a>'


def accessible(svg: str, name: str, title: str, description: str) -> str:
    """The SVG with a title and description for screen readers, without graphviz's version comment and without
    the titles graphviz gives each node and edge (its internal names, which a screen reader would read out). A
    diagram with links is a group, not an image, so that its links stay reachable and are named by their text."""
    svg = re.sub(r"<!--.*?-->\n?", "", svg, flags=re.S)
    svg = re.sub(r"<\?xml[^>]*>\n?|<!DOCTYPE[^>]*>\n?", "", svg)
    svg = re.sub(r"<title>[^<]*</title>\n?", "", svg)
    match = _SVG_OPEN.search(svg)
    if not match:
        raise ValueError("graphviz did not produce an SVG")
    svg = _ANCHOR.sub(_name_textless_link, svg)
    role = "group" if "<a " in svg else "img"
    opening = match.group(0)[:-1] + f' role="{role}" aria-labelledby="{name}-title {name}-desc" class="cep-diagram">'
    # unique on a page (an edge's label link is `a_edgeN-label`, the hyphen written as &#45;; a link in a table
    # cell is `a_nodeN_M`)
    svg = re.sub(r'\bid="(a_)?(node|edge|clust|graph)(\d+(?:_\d+)?)((?:&#45;|-)label)?"', rf'id="{name}-\1\2\3\4"', svg)
    head = (
        f'<title id="{name}-title">{html.escape(title)}</title><desc id="{name}-desc">{html.escape(description)}</desc>'
    )
    return svg[: match.start()] + opening + head + svg[match.end() :]


def place(svg: str, root: str) -> str:
    """The SVG with its links made relative to where it is shown (`root` leads back to the site root)."""
    return svg.replace(ROOT, root)


Builder = Callable[..., tuple[graphviz.Digraph, str, str]]
