"""``gridbot serve``: wire settings, classifier and the HTTP server together and run until stopped."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from aiohttp import web

from bot.classifier_store import load_or_train_default
from bot.config import Settings
from bot.web.app import build_app

log = logging.getLogger("gridbot")


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``serve`` to the ``gridbot`` parser."""
    serve = commands.add_parser("serve", help="run the service (HTTP, and Telegram when a token is set)")
    serve.set_defaults(handler=run_serve)


async def _serve(settings: Settings) -> None:
    print("gridbot: loading the classifier (the first run trains the default model) …", file=sys.stderr)
    classifier, metadata = await asyncio.to_thread(load_or_train_default, settings)
    app = build_app(settings, classifier, metadata)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, settings.http_host, settings.http_port)
    await site.start()
    print(f"gridbot: model {metadata.version}; serving on http://{settings.http_host}:{settings.http_port}",
          file=sys.stderr)
    if settings.bot_token is None:
        print("gridbot: GRIDBOT_BOT_TOKEN is not set: running without Telegram", file=sys.stderr)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Run the service until SIGINT or SIGTERM."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(_serve(settings))
    return 0
