"""The bot itself and what it looks up: getMe, logOut/close, its commands, a chat, a file."""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import bad
from ..params import Params
from ..state import Handler, State

_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_MAX_DOWNLOAD = 20 * 1024 * 1024


def commands_key(scope: Any, language_code: str | None) -> tuple[str, str]:
    """Where setMyCommands keeps the commands of a scope (default scope) and language."""
    return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code or ""


async def get_me(state: State, p: Params) -> dict[str, Any]:
    return {
        **state.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def done(state: State, p: Params) -> bool:
    """logOut and close: nothing to do here."""
    return True


def _command(command: Any) -> dict[str, str]:
    if not isinstance(command, dict):
        raise bad("can't parse BotCommand JSON object")
    name, description = str(command.get("command", "")), str(command.get("description", ""))
    if not _COMMAND_NAME.fullmatch(name):
        raise bad("BOT_COMMAND_INVALID")
    if not 1 <= len(description) <= 256:
        raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
    return {"command": name, "description": description}


async def set_my_commands(state: State, p: Params) -> bool:
    commands = p.get_json("commands", required=True)
    if not isinstance(commands, list):
        raise bad("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad("BOT_COMMANDS_TOO_MUCH")
    state.commands[commands_key(p.get_json("scope"), p.get_str("language_code"))] = [_command(c) for c in commands]
    state.pulse.wake()
    return True


async def delete_my_commands(state: State, p: Params) -> bool:
    state.commands.pop(commands_key(p.get_json("scope"), p.get_str("language_code")), None)
    state.pulse.wake()
    return True


async def get_my_commands(state: State, p: Params) -> list[dict[str, str]]:
    return list(state.commands.get(commands_key(p.get_json("scope"), p.get_str("language_code") or ""), []))


async def get_chat(state: State, p: Params) -> dict[str, Any]:
    gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels")
    return {**state.chats.resolve(p), "accent_color_id": 0, "max_reaction_count": 11,
            "accepted_gift_types": dict.fromkeys(gifts, False)}


async def get_file(state: State, p: Params) -> dict[str, Any]:
    stored = state.files.files.get(p.get_str("file_id", required=True) or "")
    if stored is None:
        raise bad("invalid file_id")
    if len(stored.data) > _MAX_DOWNLOAD:
        raise bad("file is too big")
    return stored.as_file()


METHODS: dict[str, Handler] = {
    "getMe": get_me,
    "logOut": done,
    "close": done,
    "setMyCommands": set_my_commands,
    "deleteMyCommands": delete_my_commands,
    "getMyCommands": get_my_commands,
    "getChat": get_chat,
    "getFile": get_file,
}
