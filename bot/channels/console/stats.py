"""The console's statistics page (``/console/stats``): requests per day, by category and by grid, on-time
rate and handling time per community and category, requests by nature (诉求性质), satisfaction, hot spots
and who filed each grid's requests (workers on patrol vs residents: bot/channels/console/stats_sources.py),
as server-side SVG
charts and tables. Date range (default: the last 30 days) and an optional town / community, always
within the account's scope (:func:`bot.tickets.daily_read.counted_figures` counts only what the account
may see, from the daily counters)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from aiohttp import web

from nlp.natures import nature_name

from bot.app.http import CLOCK
from bot.channels.console.auth import ACCOUNT, SESSION
from bot.channels.console.html import esc, page
from bot.channels.console.pages import TICKETS
from bot.channels.console.stats_charts import bar_chart, column_chart
from bot.channels.console.stats_sources import sources_section
from bot.infra.clock import LOCAL_TIME
from bot.tickets.daily_read import counted_figures
from bot.tickets.stats import Figures, Handling
from bot.tickets.service import Tickets
from bot.texts import console as console_texts
from bot.texts import console_stats as texts

DEFAULT_DAYS = 30
PAIR = 620  # the viewBox width of two charts side by side
MAX_DAYS = 366


@dataclass(frozen=True)
class StatsQuery:
    """The page's filters: the local days (both included) and an optional town and community."""

    first: date
    last: date
    town: str = ""
    community: str = ""


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_query(args: Mapping[str, str], today: date) -> StatsQuery:
    """The filters of a query string; a bad or missing date is the default range's."""
    last = _day(args.get("to", "")) or today
    first = _day(args.get("from", "")) or last - timedelta(days=DEFAULT_DAYS - 1)
    first, last = min(first, last), max(first, last)
    first = max(first, last - timedelta(days=MAX_DAYS - 1))
    return StatsQuery(first, last, args.get("town", "").strip()[:64], args.get("community", "").strip()[:64])


async def scoped_figures(tickets: Tickets, viewer: str, query: StatsQuery, now: float) -> Figures:
    """The figures of ``query`` over what ``viewer`` may see (nothing at all without a scope)."""
    coverage = await tickets.routing.coverage(viewer)

    def sees(community: str | None, town: str | None) -> bool:
        return (coverage is not None and coverage.covers(community, town)
                and (not query.town or town == query.town) and (not query.community or community == query.community))

    return await counted_figures(tickets.store.redis, sees, query.first, query.last, now)


def _filters(query: StatsQuery) -> str:
    return (f'<form method="get" action="/console/stats" class="filters">'
            f'<label>{texts.FROM}<input type="date" name="from" value="{query.first.isoformat()}"></label>'
            f'<label>{texts.TO}<input type="date" name="to" value="{query.last.isoformat()}"></label>'
            f'<label>{texts.TOWN}<input name="town" value="{esc(query.town)}" size="10"></label>'
            f'<label>{texts.COMMUNITY}<input name="community" value="{esc(query.community)}" size="10"></label>'
            f'<button type="submit">{texts.SHOW}</button></form>')


def _overall(groups: dict[str, Handling]) -> Handling:
    total = Handling()
    for handling in groups.values():
        total.due, total.on_time = total.due + handling.due, total.on_time + handling.on_time
        total.handled, total.seconds = total.handled + handling.handled, total.seconds + handling.seconds
    return total


def _summary(found: Figures) -> str:
    overall = _overall(found.by_community)
    cards = ((texts.TOTAL, str(found.total)), (texts.ON_TIME, texts.percent(overall.on_time_rate)),
             (texts.MEAN_HOURS, texts.hours(overall.mean_hours)),
             (texts.MEAN_RATING, texts.mean_rating(found.mean_rating, sum(found.ratings.values()))))
    return '<section class="cards">' + "".join(
        f'<div class="card" data-figure="{i}"><span>{esc(name)}</span><strong>{esc(value)}</strong></div>'
        for i, (name, value) in enumerate(cards)) + "</section>"


def _handling(title: str, rate_title: str, hours_title: str, groups: dict[str, tuple[str, Handling]]) -> str:
    """A table of on-time figures per group, with bars of the rate and the mean handling time."""
    rows = sorted(groups.values(), key=lambda item: (-item[1].due, item[0]))
    head = "".join(f"<th>{esc(name)}</th>" for name in texts.HANDLING_COLUMNS)
    body = "".join(f"<tr><td>{esc(name)}</td><td>{h.due}</td><td>{h.on_time}</td><td>{texts.percent(h.on_time_rate)}"
                   f"</td><td>{h.handled}</td><td>{texts.hours(h.mean_hours)}</td></tr>" for name, h in rows)
    rates = [(name, round((h.on_time_rate or 0) * 100, 1)) for name, h in rows if h.due]
    hours = [(name, round(h.mean_hours, 1)) for name, h in rows if h.mean_hours is not None]
    return (f'<section class="handling"><h2>{esc(title)}</h2><table class="figures"><thead><tr>{head}</tr></thead>'
            f'<tbody>{body}</tbody></table><div class="pair">{bar_chart(rate_title, rates, top_value=100, width=PAIR)}'
            f"{bar_chart(hours_title, hours, width=PAIR)}</div></section>")


def render(tickets: Tickets, found: Figures) -> str:
    """Every chart and table of the page."""
    name = tickets.taxonomy.name
    grid = lambda grid_id: found.grid_names.get(grid_id, grid_id) or texts.NOT_PLACED  # noqa: E731
    per_day = [(day[5:], float(found.per_day[day])) for day in found.days]
    categories = [(name(code), float(n)) for code, n in found.by_category.most_common()]
    natures = [(nature_name(code) or texts.NO_NATURE, float(n)) for code, n in found.by_nature.most_common()]
    grids = [(grid(grid_id), float(n)) for grid_id, n in found.by_grid.most_common(30)]
    hot = "".join(f"<tr><td>{i}</td><td>{esc(grid(grid_id))}</td><td>{n}</td></tr>"
                  for i, (grid_id, n) in enumerate(found.hot_spots(), start=1))
    hot_head = "".join(f"<th>{esc(h)}</th>" for h in texts.HOT_COLUMNS)
    communities = {c: (c or texts.NOT_PLACED, h) for c, h in found.by_community.items()}
    by_category = {c: (name(c), h) for c, h in found.handling_by_category.items()}
    ratings = [(texts.stars(n), float(found.ratings[n])) for n in (5, 4, 3, 2, 1)]
    return (f"{_summary(found)}{column_chart(texts.PER_DAY, per_day)}"
            f'<div class="pair">{bar_chart(texts.BY_CATEGORY, categories, width=PAIR)}'
            f"{bar_chart(texts.BY_GRID, grids, width=PAIR)}</div>"
            f'<div class="pair">{bar_chart(texts.BY_NATURE, natures, width=PAIR)}</div>'
            f'<section><h2>{texts.HOT_SPOTS}</h2><table class="figures hot"><thead><tr>{hot_head}</tr></thead>'
            f"<tbody>{hot}</tbody></table></section>{sources_section(found, grid, PAIR)}"
            f"{_handling(texts.HANDLING_BY_COMMUNITY, texts.ON_TIME_BY_COMMUNITY, texts.HOURS_BY_COMMUNITY, communities)}"
            f"{_handling(texts.HANDLING_BY_CATEGORY, texts.ON_TIME_BY_CATEGORY, texts.HOURS_BY_CATEGORY, by_category)}"
            f"<section><h2>{texts.SATISFACTION}</h2>"
            f"<p>{texts.MEAN_RATING}：{texts.mean_rating(found.mean_rating, sum(found.ratings.values()))}</p>"
            f'<div class="pair">{bar_chart(texts.RATINGS, ratings, width=PAIR)}</div></section>')


async def stats_page(request: web.Request) -> web.Response:
    """GET /console/stats: the statistics of the account's scope over the chosen days."""
    tickets, account, now = request.app[TICKETS], request[ACCOUNT], request.app[CLOCK].now()
    query = parse_query(request.query, datetime.fromtimestamp(now, LOCAL_TIME).date())
    found = await scoped_figures(tickets, account.key, query, now)
    scope = console_texts.scope_label(account.scope)
    body = (f'<link rel="stylesheet" href="/console/static/stats.css"><h1>{texts.STATS}</h1>'
            f"<p>{esc(texts.range_label(query.first.isoformat(), query.last.isoformat(), scope))}</p>"
            f"{_filters(query)}{render(tickets, found)}")
    return page(texts.STATS, body, account, request[SESSION].csrf)


def add_stats_routes(app: web.Application) -> None:
    """Mount ``/console/stats`` (behind the console's session guard)."""
    app.router.add_get("/console/stats", stats_page, name="console-stats")
