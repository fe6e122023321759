"""Charts as server-side SVG for the console's statistics and classifier pages: columns (a series over
days), horizontal bars (categories, grids, communities) and a heat map (a confusion matrix).

No script and no inline style (the app's CSP is ``default-src 'self'``): sizes are a ``viewBox`` that
the page's CSS stretches to its width, colours are presentation attributes and classes of
``static/stats.css``. Every mark carries ``data-label`` / ``data-value`` and a ``<title>`` (hover text,
and what screen readers and tests read)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from bot.channels.console.html import esc

WIDTH = 960
Format = Callable[[float], str]


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def _svg(title: str, height: int, marks: str, css: str = "chart", width: int = WIDTH) -> str:
    return (f'<figure class="{css}"><figcaption>{esc(title)}</figcaption><svg viewBox="0 0 {width} {height}" '
            f'role="img" aria-label="{esc(title)}" xmlns="http://www.w3.org/2000/svg" font-size="16">'
            f"<title>{esc(title)}</title>{marks}</svg></figure>")


def _nice_top(value: float) -> float:
    """A round axis top at or above ``value`` (1, 2, 5 × a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def column_chart(title: str, points: Sequence[tuple[str, float]], fmt: Format = _number) -> str:
    """Vertical columns, one per point (e.g. requests per day), with a value axis."""
    height, left, right, top, bottom = 300, 56, 16, 24, 48
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    top_value = _nice_top(max((v for _, v in points), default=0))
    marks = []
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        marks.append(f'<line class="grid" x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="axis" x="{left - 8}" y="{y + 5:.1f}" text-anchor="end">'
                     f"{esc(fmt(top_value * i / 4))}</text>")
    step = plot_w / max(1, len(points))
    every = max(1, math.ceil(len(points) / 16))  # labels that fit under the columns
    for i, (label, value) in enumerate(points):
        bar_h, x = plot_h * value / top_value, left + i * step + step * 0.15
        y = top + plot_h - bar_h
        marks.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{bar_h:.1f}" '
                     f'data-label="{esc(label)}" data-value="{esc(fmt(value))}"><title>{esc(label)}: '
                     f"{esc(fmt(value))}</title></rect>")
        if value and len(points) <= 31:
            marks.append(f'<text class="value" x="{x + step * 0.35:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                         f'font-size="13">{esc(fmt(value))}</text>')
        if i % every == 0:
            marks.append(f'<text class="axis" x="{x + step * 0.35:.1f}" y="{height - bottom + 22}" '
                         f'text-anchor="middle" font-size="13">{esc(label)}</text>')
    return _svg(title, height, "".join(marks))


def bar_chart(title: str, points: Sequence[tuple[str, float]], fmt: Format = _number,
              top_value: float | None = None, width: int = WIDTH) -> str:
    """Horizontal bars, one row per point, labelled on the left (long Chinese names fit). A narrower
    ``width`` keeps the text as large when two charts share a row."""
    row, label_w, value_w, top = 34, min(220, width // 4), 70, 8
    height = top * 2 + row * max(1, len(points))
    top_value = top_value or _nice_top(max((v for _, v in points), default=0))
    plot_w = width - label_w - value_w
    marks = []
    for i, (label, value) in enumerate(points):
        y, bar_w = top + i * row, plot_w * value / top_value
        marks.append(f'<text class="label" x="{label_w - 10}" y="{y + row * 0.62:.1f}" text-anchor="end">'
                     f"{esc(label[:14])}</text>"
                     f'<rect class="bar" x="{label_w}" y="{y + 5}" width="{bar_w:.1f}" height="{row - 10}" '
                     f'data-label="{esc(label)}" data-value="{esc(fmt(value))}"><title>{esc(label)}: '
                     f"{esc(fmt(value))}</title></rect>"
                     f'<text class="value" x="{label_w + bar_w + 8:.1f}" y="{y + row * 0.62:.1f}">'
                     f"{esc(fmt(value))}</text>")
    return _svg(title, height, "".join(marks), width=width)


def heat_map(title: str, labels: Sequence[str], matrix: Sequence[Sequence[int]], names: Sequence[str]) -> str:
    """A square matrix (rows: true label, columns: predicted), each cell shaded by its share of its row."""
    n = max(1, len(labels))
    left, top = 170, 150
    cell = (WIDTH - left - 10) / n
    height = int(top + cell * n + 10)
    marks = []
    for j, name in enumerate(names):
        x = left + j * cell + cell / 2
        marks.append(f'<text class="label" transform="translate({x:.1f} {top - 8}) rotate(-45)" '
                     f'font-size="13">{esc(name[:10])}</text>')
    for i, row in enumerate(matrix):
        total = sum(row) or 1
        marks.append(f'<text class="label" x="{left - 8}" y="{top + i * cell + cell * 0.6:.1f}" text-anchor="end" '
                     f'font-size="13">{esc(names[i][:10])}</text>')
        for j, count in enumerate(row):
            share = count / total
            shade = round(255 - 200 * share)
            ink = "#fff" if share > 0.5 else "#1f2328"
            marks.append(f'<rect x="{left + j * cell:.1f}" y="{top + i * cell:.1f}" width="{cell:.1f}" '
                         f'height="{cell:.1f}" fill="rgb({shade},{shade + (255 - shade) // 3},255)" class="cell" '
                         f'data-label="{esc(labels[i])}→{esc(labels[j])}" data-value="{count}"><title>'
                         f"{esc(names[i])} → {esc(names[j])}: {count}</title></rect>")
            if count:
                marks.append(f'<text x="{left + j * cell + cell / 2:.1f}" y="{top + i * cell + cell * 0.62:.1f}" '
                             f'text-anchor="middle" font-size="12" fill="{ink}">{count}</text>')
    return _svg(title, height, "".join(marks), css="chart heat")
