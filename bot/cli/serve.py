"""``gridbot serve``: run the service until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import threading
from typing import TYPE_CHECKING

from bot.app.config import Settings
from bot.app.log_masking import configure_logging
from bot.infra.open_files import raise_soft_limit

if TYPE_CHECKING:
    from bot.app.service import Service


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``serve`` to the ``gridbot`` parser."""
    serve = commands.add_parser("serve", help="run the service (HTTP, and Telegram when a token is set)")
    serve.set_defaults(handler=run_serve)


async def _serve(settings: Settings) -> int:
    # The handlers come first: a signal at any moment of the start stops what has started so far.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    from bot.app.service import Service  # aiogram and the model stack load only for `serve`
    from bot.app.startup import failure_line, start_unless_stopped

    print("gridbot: starting (the first run trains the default model, ~10 s) …", file=sys.stderr)
    service = Service(settings)
    progress = TrainingProgress()
    try:
        if not await start_unless_stopped(service.start(progress=progress.show), stop):
            progress.silence()
            print("gridbot: stopped before start-up finished", file=sys.stderr)
            return 0
        _say_serving(settings, service)
        await stop.wait()
        return 0
    except Exception as err:  # whatever failed the start, the operator gets one line and exit status 1
        print(f"gridbot: error: {failure_line(err)}", file=sys.stderr)
        return 1
    finally:
        await service.stop()


class TrainingProgress:
    """The first model's training steps, printed from the training thread until start-up is abandoned:
    a training stopped by a signal runs on, unheard, until the process exits, and its last word must not
    come after "stopped"."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._silent = False

    def show(self, step: str) -> None:
        with self._lock:
            if not self._silent:
                print(f"gridbot: training the default model: {step}", file=sys.stderr)

    def silence(self) -> None:
        with self._lock:
            self._silent = True


def _say_serving(settings: Settings, service: Service) -> None:
    assert service.models is not None
    print(f"gridbot: model {service.models.metadata.version}; serving on "
          f"http://{settings.http_host}:{service.http_port}", file=sys.stderr)
    if settings.bot_token is None:
        print("gridbot: GRIDBOT_BOT_TOKEN is not set: running without Telegram", file=sys.stderr)


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Run the service until SIGINT or SIGTERM; 1 when it could not start."""
    configure_logging()  # every line masked (bot/app/log_masking.py)
    raise_soft_limit()  # each open page's event stream is a socket
    return asyncio.run(_serve(settings))
