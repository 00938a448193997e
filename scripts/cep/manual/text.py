"""Safe Markdown from model text: escaping (HTML and Markdown syntax), tables, links and time formatting."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from datetime import datetime

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def esc(text: object) -> str:
    """Model text as literal Markdown: no HTML, no emphasis, no links, no template syntax survives."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=True)).replace("\n", " ")


def code(text: object) -> str:
    """Model text as inline code. Markdown takes a backslash in a code span literally, so the span is written as
    HTML: escaped, and with the characters tables and templates read (|, {, }) as entities."""
    escaped = html.escape(str(text), quote=True).replace("|", "&#124;").replace("{", "&#123;").replace("}", "&#125;")
    if any(c.isspace() for c in str(text)):
        return f"<code>{escaped}</code>"
    return f'<code class="cep-id">{escaped}</code>'  # an identifier: never broken across lines (see the stylesheet)


def attr(text: object) -> str:
    """Text for an HTML attribute value."""
    return html.escape(str(text), quote=True)


def nav_title(text: object) -> str:
    """Text for a page title set in the nav: HTML-escaped (the theme writes it as it is), and without template
    syntax (mkdocs-macros renders titles as templates)."""
    return attr(text).replace("{", "&#123;").replace("}", "&#125;")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table; cells must already be escaped."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def bullets(items: Iterable[str]) -> str:
    return "".join(f"- {item}\n" for item in items)


def numbered(items: Iterable[str]) -> str:
    return "".join(f"{n}. {item}\n" for n, item in enumerate(items, start=1))


def when(moment: datetime | None) -> str:
    """A deadline as people read it: 'Mon 30 Nov 2026, 11:00 (UTC+02:00)'."""
    if moment is None:
        return "—"
    offset = moment.strftime("%z")
    return f"{moment:%a %d %b %Y, %H:%M} (UTC{offset[:3]}:{offset[3:]})"


def readable_contrast(colour: str) -> str:
    """Black or white, whichever reads better on `colour` (#rrggbb), by WCAG relative luminance."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if luminance > 0.179 else "#ffffff"
