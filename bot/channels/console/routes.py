"""Mounting the console on the app of :func:`bot.app.http.build_app`."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.accounts.store import Accounts
from bot.channels.console.actions import act
from bot.channels.console.auth import add_auth
from bot.channels.console.classifier_actions import add_classifier_routes
from bot.channels.console.grids import add_grid_routes
from bot.channels.console.live import add_live
from bot.channels.console.map_page import map_view
from bot.channels.console.stats import add_stats_routes
from bot.channels.console.warnings_page import add_warning_routes
from bot.channels.console.board_page import BOARD, board, require_account
from bot.channels.console.export import add_export_routes
from bot.channels.console.faq import add_faq_routes
from bot.channels.console.pages import PHOTOS, TICKETS, ticket_page, ticket_photo
from bot.channels.web.chat import STREAMS as CHAT_STREAMS
from bot.photos.store import PhotoStore
from bot.tickets.board import Board
from bot.tickets.service import Tickets


def add_console_routes(app: web.Application, tickets: Tickets, photos: PhotoStore) -> None:
    """The console's login, pages, actions and static files; every route but login needs a session."""
    app[TICKETS], app[PHOTOS] = tickets, photos
    app[BOARD] = Board(tickets.store.redis, tickets.taxonomy, tickets.clock)
    add_auth(app, Accounts(tickets.store.redis))
    add_live(app, app.get(CHAT_STREAMS))
    app.router.add_static("/console/static/", Path(__file__).parent / "static")
    app.router.add_get("/console", board)
    app.router.add_get("/console/map", map_view)
    app.router.add_get("/console/tickets/{number}", ticket_page, name="console-ticket")
    app.router.add_get("/console/tickets/{number}/photos/{which}", ticket_photo)
    app.router.add_post("/console/tickets/{number}/{action}", act)
    add_export_routes(app, app[BOARD], require_account)
    add_grid_routes(app)
    add_stats_routes(app)
    add_classifier_routes(app)
    add_faq_routes(app)
    add_warning_routes(app, tickets)
