"""The Bot API calls ``serve`` makes before it says it is serving: getMe, and setWebhook in webhook mode.

Each gets a short timeout and a couple of retries, then fails the start with one line that says what
is wrong (unreachable, token rejected, request refused), instead of a service that seems up but hears
nothing from Telegram.
"""

from __future__ import annotations

import asyncio
from typing import TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramNetworkError,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import GetMe, SetWebhook, TelegramMethod
from aiogram.types import User

from bot.app.startup import StartupError

T = TypeVar("T")
ATTEMPTS = 3
TIMEOUT_SECONDS = 3
PAUSE_SECONDS = 0.5  # before the second attempt; twice that before the third


async def check_bot_api(bot: Bot, api_url: str) -> User:
    """The bot's own user: proof that the Bot API at ``api_url`` answers and accepts the token."""
    return await call_at_start(bot, GetMe(), api_url)


async def register_webhook(bot: Bot, api_url: str, url: str, secret: str | None) -> None:
    """Tell Telegram where to post updates, and the secret token to post with them."""
    await call_at_start(bot, SetWebhook(url=url, secret_token=secret, drop_pending_updates=False), api_url)


async def call_at_start(bot: Bot, method: TelegramMethod[T], api_url: str) -> T:
    """``method``'s result, or StartupError once the Bot API refused it or never answered."""
    name = method.__api_method__
    failure: TelegramAPIError | None = None
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await bot(method, request_timeout=TIMEOUT_SECONDS)
        except (TelegramNetworkError, TelegramServerError) as err:
            failure = err
        except TelegramUnauthorizedError as err:
            raise StartupError(f"the Telegram Bot API at {api_url} rejected the token (GRIDBOT_BOT_TOKEN): "
                               f"{_scrubbed(err.message, bot)}") from None
        except TelegramAPIError as err:
            raise StartupError(f"the Telegram Bot API at {api_url} refused {name}: {_scrubbed(err.message, bot)}") from None
        except ClientDecodeError:
            raise StartupError(f"{api_url} does not answer as a Telegram Bot API (GRIDBOT_TELEGRAM_API)") from None
        if attempt < ATTEMPTS:
            await asyncio.sleep(PAUSE_SECONDS * attempt)
    assert failure is not None
    raise StartupError(f"cannot reach the Telegram Bot API at {api_url}: {_reason(failure, bot)} "
                       f"({ATTEMPTS} attempts of {name})")


def _reason(err: TelegramAPIError, bot: Bot) -> str:
    if isinstance(err, TelegramNetworkError) and err.message == "Request timeout error":
        return f"no answer within {TIMEOUT_SECONDS} s"
    return _scrubbed(err.message, bot)


def _scrubbed(text: str, bot: Bot) -> str:
    """``text`` without the token (some client errors quote the URL, which holds it)."""
    return text.replace(bot.token, "<token>")
