"""A running gridbot service wired to the local Bot API test server and the test Redis."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.infra.clock import ManualClock
from bot.app.config import Settings
from bot.people.directory import Level, telegram_key
from bot.app.service import Service
from tests.botapi.client import User
from tests.botapi.server import BotAPIServer
from tests.domain import START

NUMBER = re.compile(r"T\d{8}-\d{4,}")


@dataclass
class World:
    """The service, the Bot API server, and the people the tests play."""

    service: Service
    server: BotAPIServer
    clock: ManualClock
    resident: User
    worker: User
    colleague: User
    supervisor: User
    admin: User
    stranger: User

    async def says(self, user: User, text: str) -> None:
        await self.server.send_text(user, text)

    async def sees(self, user: User, *fragments: str, timeout: float = 8.0) -> dict[str, Any]:
        """The first bot message to ``user`` containing every fragment (texts or captions)."""
        def match(message: dict[str, Any]) -> bool:
            body = message.get("text") or message.get("caption") or ""
            return all(fragment in body for fragment in fragments)

        return await self.server.wait_for_message(user.id, match, timeout, after=0)

    async def presses(self, user: User, message: dict[str, Any], label: str) -> dict[str, Any]:
        """Press a button and return what the bot answered to the press."""
        query_id = await self.server.press(user, message, label)
        return await self.server.wait_for_callback_answer(query_id, timeout=8.0)

    async def ticket_number(self, user: User) -> str:
        opened = await self.sees(user, "已受理")
        found = NUMBER.search(opened["text"])
        assert found, opened
        return found.group(0)


def copy_models(trained: Path, data_dir: Path) -> None:
    """Give a data dir the session's trained default model (training takes seconds; copying does not)."""
    shutil.copytree(trained, data_dir / "models")


async def start_world(server: BotAPIServer, redis_url: str, data_dir: Path, trained_models: Path,
                      **overrides: Any) -> World:
    copy_models(trained_models, data_dir)
    users = {name: server.user(first_name) for name, first_name in (
        ("resident", "王阿姨"), ("worker", "李网格"), ("colleague", "张网格"), ("supervisor", "陈主任"),
        ("admin", "管理员"), ("stranger", "路人"))}
    options: dict[str, Any] = {"http_port": 0, **overrides}
    settings = Settings(
        _env_file=None, bot_token=server.token, telegram_api=server.base_url, redis_url=redis_url,
        data_dir=data_dir, admin_ids=[users["admin"].id], **options,
    )
    clock = ManualClock(START)
    service = Service(settings, clock=clock)
    await service.start()
    assert service.domain is not None
    people = service.domain.people
    await people.add_worker(telegram_key(users["worker"].id), "GC-XY-01", "李网格")
    await people.add_worker(telegram_key(users["colleague"].id), "GC-XY-01", "张网格")
    await people.add_supervisor(telegram_key(users["supervisor"].id), Level.COMMUNITY, "西隅社区", "陈主任")
    return World(service, server, clock, **users)
