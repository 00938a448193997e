"""Charts for the manual, drawn at build time with matplotlib as static SVG: no JavaScript, nothing fetched, the
same bytes on every build. Each chart goes with a text summary and its data table on the page (for screen
readers, and for readers who want the numbers)."""

from __future__ import annotations

import io
from collections.abc import Sequence

WIDTH_INCHES, HEIGHT_INCHES = 6.4, 3.2  # drawn to the column's width; the SVG scales down to a phone's


def _figure():  # -> (Figure, Axes); matplotlib is imported only when a chart is drawn
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    matplotlib.rcParams.update({"svg.hashsalt": "cep", "svg.fonttype": "none", "font.size": 9})
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), layout="constrained")
    return figure, figure.subplots()


def _svg(figure, title: str) -> bytes:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None, "Title": title, "Creator": "cep"})
    return out.getvalue().encode("utf-8")


def line_chart(
    title: str, x: Sequence[str], series: dict[str, Sequence[float | None]], y_label: str, percent: bool = True
) -> bytes:
    figure, axes = _figure()
    positions = range(len(x))
    for name, values in series.items():
        points = [(p, v) for p, v in zip(positions, values, strict=True) if v is not None]
        axes.plot([p for p, _ in points], [v * 100 if percent else v for _, v in points], marker="o", label=name)
    axes.set_xticks(list(positions), list(x), rotation=30 if len(x) > 6 else 0)
    axes.set_ylabel(y_label)
    if percent:
        axes.set_ylim(0, 105)
    axes.set_title(title)
    axes.grid(axis="y", alpha=0.3)
    if series:
        axes.legend(loc="lower left", fontsize=8)
    return _svg(figure, title)


def bar_chart(title: str, x: Sequence[str], series: dict[str, Sequence[float]], y_label: str) -> bytes:
    figure, axes = _figure()
    width = 0.8 / max(len(series), 1)
    for index, (name, values) in enumerate(series.items()):
        axes.bar([p + index * width for p in range(len(x))], list(values), width, label=name)
    axes.set_xticks([p + width * (len(series) - 1) / 2 for p in range(len(x))], list(x))
    axes.set_ylabel(y_label)
    axes.set_title(title)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(fontsize=8)
    return _svg(figure, title)
