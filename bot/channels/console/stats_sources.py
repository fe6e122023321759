"""The statistics page's figure of who filed each grid's requests: reports by grid workers on patrol
against residents' (and other systems', and the console's), a table per grid and a bar chart of the
workers' share. A centre reads it to see which grids are patrolled and which wait for residents to call."""

from __future__ import annotations

from collections.abc import Callable

from bot.channels.console.html import esc
from bot.channels.console.stats_charts import bar_chart
from bot.texts import console_stats as texts
from bot.tickets.sources import Source
from bot.tickets.stats import Figures

ROWS = 30  # the grids with most requests; the rest are left out of the table and the chart


def sources_section(found: Figures, grid_name: Callable[[str], str], width: int) -> str:
    """The section: one row per grid (most requests first) with its count per source and the patrol share."""
    grids = sorted(found.sources_by_grid.items(), key=lambda item: (-sum(item[1].values()), item[0]))[:ROWS]
    head = "".join(f"<th>{esc(name)}</th>" for name in
                   (*texts.SOURCE_COLUMNS_HEAD, *(s.label for s in Source), *texts.SOURCE_COLUMNS_TAIL))
    rows, shares = [], []
    for grid_id, counts in grids:
        total = sum(counts.values())
        share = counts[Source.PATROL] / total if total else 0.0
        cells = [str(counts[s]) for s in Source] + [str(total), texts.percent(share)]
        rows.append(f'<tr data-grid="{esc(grid_id)}"><td>{esc(grid_name(grid_id))}</td>'
                    + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
        shares.append((grid_name(grid_id), round(share * 100, 1)))
    return (f'<section class="sources"><h2>{texts.SOURCES_BY_GRID}</h2><table class="figures sources">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f'<div class="pair">{bar_chart(texts.PATROL_SHARE, shares, top_value=100, width=width)}</div></section>')
