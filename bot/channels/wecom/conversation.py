"""A WeCom member's text and image messages: ``/join CODE``, ``/tasks``, and the answer to a waiting step.

The same steps as on Telegram (handlers/worker.py), through the same domain calls: after 退回 the next
text is the reason, after 办结 the next text is the result note, which a photo may come before (WeCom
sends an image as a message of its own, without a caption). A command instead of the answer gives the
step up, as on Telegram. ``任务`` and ``加入 CODE`` are the commands in Chinese.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from bot.channels.wecom.desk import Desk, Member
from bot.channels.wecom.state import Waiting
from bot.channels.weixin.api import WeixinError, WeixinUnanswered
from bot.photos.store import StoredPhoto
from bot.texts import refusals as refusal_texts
from bot.texts import staff as staff_texts
from bot.texts import wecom as wecom_texts
from bot.tickets.outcome import Outcome, Refusal
from bot.tickets.states import Status
from bot.tickets.tasks import open_tasks

log = logging.getLogger(__name__)
RETURN, RESOLVE = "return", "resolve"
_JOIN_IN_CHINESE = re.compile(r"加入\s*([A-Za-z0-9]{4,16})")


@dataclass(frozen=True)
class Command:
    """A command a member typed: its name (``join``) and what follows it."""

    name: str
    args: str = ""


def command_of(text: str) -> Command | None:
    """The command ``text`` is (``/join CODE``, ``加入 CODE``, ``/tasks``, ``任务``, any ``/word``), or None."""
    typed = text.strip()
    if typed.startswith("/"):
        name, _, args = typed[1:].partition(" ")
        return Command(name.lower(), args.strip())
    if typed == "任务":
        return Command("tasks")
    found = _JOIN_IN_CHINESE.fullmatch(typed)
    return Command("join", found.group(1)) if found else None


async def on_text(desk: Desk, member: Member, text: str) -> None:
    """A text message: a step's answer, a command, or something to explain."""
    command = command_of(text)
    waiting = await desk.steps.get(member.key)
    if waiting is not None and command is not None:
        await desk.steps.clear(member.key)
        await desk.reply(member, staff_texts.step_abandoned(waiting.number))
    elif waiting is not None:
        await _answer(desk, member, waiting, text)
    elif command is not None and command.name == "join":
        worker = await desk.people.redeem_invite(command.args, member.key)
        await desk.reply(member, staff_texts.joined(worker.grids) if worker else staff_texts.join_failed())
    elif command is not None and command.name == "tasks":
        await desk.reply(member, staff_texts.tasks(await open_tasks(desk.store, desk.people, member.key)))
    else:
        await desk.reply(member, wecom_texts.help_text())


async def on_image(desk: Desk, member: Member, media_id: str) -> None:
    """An image: the photo of a result being reported (the note follows), else something to explain."""
    waiting = await desk.steps.get(member.key)
    if waiting is None or waiting.action != RESOLVE:
        await desk.reply(member, staff_texts.ask_return_reason(waiting.number) if waiting else wecom_texts.help_text())
        return
    stored = await keep_photo(desk, media_id)
    if stored is None:
        await desk.reply(member, wecom_texts.photo_failed(waiting.number))
        return
    await desk.steps.wait_for(member.key, replace(waiting, photo=stored.reference))
    await desk.reply(member, wecom_texts.photo_received(waiting.number))


async def keep_photo(desk: Desk, media_id: str) -> StoredPhoto | None:
    """The member's photo, downloaded from WeCom and stored like a resident's upload (re-encoded)."""
    try:
        data = await desk.client.download(media_id, desk.photos.max_bytes)
    except (WeixinError, WeixinUnanswered) as err:
        log.warning("WeCom photo %s not downloaded: %s", media_id, err)
        return None
    saved = await desk.photos.save(data)
    return saved if isinstance(saved, StoredPhoto) else None


async def _answer(desk: Desk, member: Member, waiting: Waiting, text: str) -> None:
    """The reason of a return or the note of a result; an empty one is asked for again."""
    number = waiting.number
    if waiting.action == RETURN:
        outcome = await desk.tickets.return_to_supervisor(number, member.key, text)
        again, done, label = staff_texts.ask_return_reason(number), staff_texts.returned(number), wecom_texts.RETURNED
    else:
        outcome = await desk.tickets.resolve(number, member.key, text, waiting.photo)
        again, done, label = staff_texts.ask_result(number), staff_texts.resolved_by_you(number), wecom_texts.RESOLVED
    if outcome.refusal is Refusal.BAD_INPUT:
        await desk.reply(member, again)
        return
    if outcome.ticket is not None and outcome.ticket.status is Status.CLOSED:  # a field report: closed with it
        done = staff_texts.resolved_by_you(number, closed=True)
    await desk.steps.clear(member.key)
    if outcome.ok:
        await desk.client.update_quietly(member.userid, waiting.response_code, replace_name=label)
    await desk.reply(member, done if outcome.ok else refused(outcome, number))


def refused(outcome: Outcome, number: str) -> str:
    """Why a step did not happen, in the words Telegram uses."""
    return refusal_texts.refusal(outcome.refusal, number, outcome.detail)
