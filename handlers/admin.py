"""Admins (GRIDBOT_ADMIN_IDS): /stats, /model, /retrain. Everyone else gets a refusal."""

from __future__ import annotations

import asyncio

from aiogram import Bot, Router
from aiogram.filters import Command, Filter
from aiogram.types import Message

from bot.texts import admin as admin_texts
from bot.infra.clock import Clock
from bot.model.holder import ModelHolder
from bot.model.retrain import Retrainer
from bot.tickets.stats import collect
from bot.tickets.service import Tickets
from bot.tickets.store import TicketStore
from handlers.common import key_of

ADMIN_COMMANDS = ("stats", "model", "retrain")


class IsAdmin(Filter):
    """The sender is an admin (GRIDBOT_ADMIN_IDS), as the domain's routing knows them."""

    async def __call__(self, message: Message, tickets: Tickets) -> bool:
        return message.from_user is not None and tickets.routing.is_admin(key_of(message.from_user))


async def refuse(message: Message) -> None:
    await message.answer(admin_texts.not_admin())


async def stats(message: Message, store: TicketStore, clock: Clock) -> None:
    await message.answer(admin_texts.stats(await collect(store, clock)))


async def model(message: Message, models: ModelHolder) -> None:
    await message.answer(admin_texts.model(models.metadata))


async def retrain(message: Message, bot: Bot, retrainer: Retrainer, background: set[asyncio.Task]) -> None:
    chat_id = message.chat.id

    async def report(text: str) -> None:
        await bot.send_message(chat_id, admin_texts.progress(text))

    async def job() -> None:
        result = await retrainer.run(report)
        await bot.send_message(chat_id, admin_texts.retrain_result(result))

    await message.answer(admin_texts.retrain_started())
    task = asyncio.create_task(job())
    background.add(task)  # keep a reference until done (asyncio only keeps weak ones)
    task.add_done_callback(background.discard)


def build_router() -> Router:
    """A new router with this audience's handlers (one per dispatcher)."""
    router = Router(name="admin")
    router.message.register(refuse, Command(*ADMIN_COMMANDS), ~IsAdmin())
    router.message.register(stats, Command("stats"), IsAdmin())
    router.message.register(model, Command("model"), IsAdmin())
    router.message.register(retrain, Command("retrain"), IsAdmin())
    return router
