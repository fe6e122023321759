"""/patrol for grid workers, and the live locations they share while on patrol (thin: bot/patrol/)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import BaseFilter, Command
from aiogram.types import Message

from bot.grids.store import GridStore
from bot.patrol.daily import summarise
from bot.patrol.patrols import Patrols
from bot.people.directory import People
from bot.texts import patrol as patrol_texts
from handlers.common import key_of


class OnPatrol(BaseFilter):
    """Passes a message from a worker who is on patrol (its locations are track points, not requests)."""

    async def __call__(self, message: Message, patrols: Patrols) -> bool:
        if message.from_user is None:
            return False
        return await patrols.active(key_of(message.from_user)) is not None


async def toggle(message: Message, patrols: Patrols, people: People, grids: GridStore) -> None:
    """/patrol: start a patrol, or end the running one with its summary."""
    worker_key = key_of(message.from_user)
    worker = await people.get_worker(worker_key)
    if worker is None:
        await message.answer(patrol_texts.NOT_A_WORKER)
        return
    ended = await patrols.end(worker_key)
    if ended is None:
        await patrols.start(worker_key, worker.name)
        await message.answer(patrol_texts.STARTED)
        return
    summary = summarise(ended, await patrols.track(ended.patrol_id), await grids.current())
    await message.answer(patrol_texts.ended(summary))


async def position(message: Message, patrols: Patrols) -> None:
    """A location (live or not) during a patrol: a point of its track. Live updates are answered with
    silence; a one-off location gets a hint that a live one records the whole route."""
    assert message.location is not None
    # When the worker was there: a live location's edit time (updates may arrive late, or in a batch).
    at = float(message.edit_date) if message.edit_date else message.date.timestamp()
    await patrols.record(key_of(message.from_user), message.location.latitude, message.location.longitude, at)
    if message.location.live_period is None and message.edit_date is None:
        await message.answer(patrol_texts.NOT_LIVE)


def build_router() -> Router:
    """A new router with the patrol handlers (registered before the resident router: a worker's
    location on patrol is a track point, not the answer to a resident's question)."""
    router = Router(name="patrol")
    router.message.register(toggle, Command("patrol"))
    router.message.register(position, F.location, OnPatrol())
    router.edited_message.register(position, F.location, OnPatrol())
    return router
