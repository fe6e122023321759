"""``gridbot wechat menu``: the Official Account's menu from a file."""

from __future__ import annotations

import argparse
from pathlib import Path

import aiohttp

from bot.app.config import Settings
from bot.app.runtime import redis_connection
from bot.channels.wechat.menu import MenuFileError, create_menu, read_menu
from bot.channels.wechat.setup import wechat_api
from bot.channels.weixin.api import WeixinError, WeixinUnanswered
from bot.cli.support import CliError, run_async

MENU_FILE = "wechat_menu.json"  # in the training data dir


def register(commands: argparse._SubParsersAction) -> None:
    """Add the WeChat commands."""
    wechat = commands.add_parser("wechat", help="the WeChat Official Account (公众号)")
    sub = wechat.add_subparsers(dest="wechat_command", metavar="ACTION", required=True)
    menu = sub.add_parser("menu", help="create the account's menu (我要反映 / 我的工单 / 使用说明) from a file")
    menu.add_argument("--file", type=Path, default=None,
                      help=f"menu JSON, the body of WeChat's menu/create (default: training_data/{MENU_FILE})")
    menu.set_defaults(handler=run_async(make_menu))


async def make_menu(args: argparse.Namespace, settings: Settings) -> int:
    path = args.file or settings.training_dir / MENU_FILE
    try:
        menu = read_menu(path)
    except MenuFileError as err:
        raise CliError(f"{path}: {err}; the menu stays as it was") from None
    if not settings.wechat_enabled:
        raise CliError("no Official Account configured (GRIDBOT_WECHAT_TOKEN, GRIDBOT_WECHAT_APP_ID, GRIDBOT_WECHAT_APP_SECRET)")
    async with redis_connection(settings) as redis, aiohttp.ClientSession() as session:
        try:
            names = await create_menu(wechat_api(settings, redis, session), menu)
        except WeixinError as err:
            raise CliError(f"WeChat refused the menu: {err.errcode} {err.errmsg}") from None
        except (WeixinUnanswered, TimeoutError) as err:
            raise CliError(f"WeChat did not answer ({err}); the menu may not have been created, try again") from None
    print(f"menu created: {', '.join(names)}")
    return 0
