"""``gridbot serve``: run the service until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from bot.config import Settings
from bot.open_files import raise_soft_limit


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``serve`` to the ``gridbot`` parser."""
    serve = commands.add_parser("serve", help="run the service (HTTP, and Telegram when a token is set)")
    serve.set_defaults(handler=run_serve)


async def _serve(settings: Settings) -> None:
    from bot.service import Service  # aiogram and the model stack load only for `serve`

    print("gridbot: starting (the first run trains the default model, ~10 s) …", file=sys.stderr)
    service = Service(settings)
    await service.start(progress=lambda step: print(f"gridbot: training the default model: {step}", file=sys.stderr))
    assert service.models is not None
    print(f"gridbot: model {service.models.metadata.version}; serving on "
          f"http://{settings.http_host}:{service.http_port}", file=sys.stderr)
    if settings.bot_token is None:
        print("gridbot: GRIDBOT_BOT_TOKEN is not set: running without Telegram", file=sys.stderr)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await service.stop()


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Run the service until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # aiogram logs a line per handled update at INFO: noise at hundreds of updates a second.
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    raise_soft_limit()  # each open page's event stream is a socket
    asyncio.run(_serve(settings))
    return 0
