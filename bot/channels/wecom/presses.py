"""A pressed card button (``template_card_event``): the action done for the member who pressed it.

The domain decides whether that member may (a worker of another grid, or anyone else, is refused): then
the card stays as it was and the member reads why. A key gridbot never put on a card changes nothing.
Done, the card is updated with the event's response code: 接单 turns it into the card of a ticket in
hand (办结 / 退回), the others replace its buttons with what was done. 退回 and 办结 first ask for the
reason or the result note (:mod:`bot.channels.wecom.conversation`). A supervisor's 派单 and 改类别 are
answered with cards of choices, six to a card; pressing one dispatches or recategorises.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.channels.wecom.buttons import CardKey, parse_key
from bot.channels.wecom.cards import accepted_card, choice_cards, photo_link
from bot.channels.wecom.conversation import RESOLVE, RETURN, refused
from bot.channels.wecom.desk import Desk, Member
from bot.channels.wecom.state import Waiting
from bot.channels.weixin.api import WeixinError, WeixinUnanswered
from bot.texts import field_reports as report_texts
from bot.texts import refusals as refusal_texts
from bot.texts import staff as staff_texts
from bot.texts import wecom as wecom_texts
from bot.texts.render import ButtonAction, choice_buttons, worker_buttons
from bot.tickets.states import Action
from bot.tickets.supervision import Choices

log = logging.getLogger(__name__)


async def on_press(desk: Desk, member: Member, event_key: str, response_code: str, task: str) -> None:
    """Do what the pressed button says, for ``member``."""
    key = parse_key(event_key)
    if key is None:
        log.warning("WeCom card key %r from %s is not one of gridbot's", event_key[:80], member.userid)
        await desk.reply(member, refusal_texts.stale_button())
        return
    match key.action:
        case ButtonAction.ACCEPT:
            await _accept(desk, member, key, response_code, task)
        case ButtonAction.RETURN | ButtonAction.RESOLVE:
            await _ask(desk, member, key, response_code, task)
        case ButtonAction.GRIDS:
            choices = await desk.tickets.dispatch_choices(key.number, member.key)
            await _offer(desk, member, key.number, choices, ButtonAction.DISPATCH, wecom_texts.choose_grid_title)
        case ButtonAction.CATEGORIES:
            choices = await desk.tickets.category_choices(key.number, member.key)
            await _offer(desk, member, key.number, choices, ButtonAction.RECATEGORISE,
                         wecom_texts.choose_category_title)
        case ButtonAction.DISPATCH | ButtonAction.RECATEGORISE:
            await _choose(desk, member, key, response_code)
        case ButtonAction.REFER_UP:
            await _refer_up(desk, member, key, response_code)


async def _accept(desk: Desk, member: Member, key: CardKey, response_code: str, task: str) -> None:
    outcome = await desk.tickets.accept(key.number, member.key)
    if not outcome.ok or outcome.ticket is None:
        await desk.reply(member, refused(outcome, key.number))
        return
    data = desk.tickets.summary(outcome.ticket)
    buttons = [b for row in worker_buttons(key.number, accepted=True) for b in row]
    card = accepted_card(key.number, data, buttons, photo_link(desk.links, outcome.ticket.photo), task)
    if not await desk.client.update_quietly(member.userid, response_code, card=card):
        await desk.reply(member, staff_texts.accepted_by_you(key.number))  # the card could not show it


async def _refer_up(desk: Desk, member: Member, key: CardKey, response_code: str) -> None:
    """需上级处理 on a field report the member keeps: to the supervisors; the card says so."""
    outcome = await desk.tickets.refer_up(key.number, member.key)
    if not outcome.ok:
        await desk.reply(member, refused(outcome, key.number))
        return
    await desk.client.update_quietly(member.userid, response_code, replace_name=wecom_texts.REFERRED)
    await desk.reply(member, report_texts.referred(key.number))


async def _ask(desk: Desk, member: Member, key: CardKey, response_code: str, task: str) -> None:
    """退回 / 办结: if the member may, wait for the reason or the note (the card is updated once it came)."""
    returning = key.action == ButtonAction.RETURN
    allowed = await desk.tickets.may_act(key.number, member.key, Action.RETURN if returning else Action.RESOLVE)
    if not allowed.ok:
        await desk.reply(member, refused(allowed, key.number))
        return
    await desk.steps.wait_for(member.key, Waiting(RETURN if returning else RESOLVE, key.number, response_code, task))
    question = staff_texts.ask_return_reason(key.number) if returning else staff_texts.ask_result(key.number)
    await desk.reply(member, question)


async def _offer(desk: Desk, member: Member, number: str, choices: Choices, action: ButtonAction,
                 title: Callable[[str], str]) -> None:
    """Cards with the grids (or categories) the supervisor may choose, or why there are none."""
    if not choices.outcome.ok:
        await desk.reply(member, refused(choices.outcome, number))
        return
    buttons = [b for row in choice_buttons(number, action, choices.options, per_row=1) for b in row]
    for card in choice_cards(title(number), number, buttons):
        if desk.client.limits is not None:
            await desk.client.limits.wait(member.userid)
        try:
            await desk.client.send_card(member.userid, card)
        except (WeixinError, WeixinUnanswered) as err:
            log.warning("choices for %s not sent to WeCom member %s: %s", number, member.userid, err)
            return


async def _choose(desk: Desk, member: Member, key: CardKey, response_code: str) -> None:
    """A grid or a category chosen on a choice card."""
    dispatching = key.action == ButtonAction.DISPATCH
    if dispatching:
        outcome = await desk.tickets.dispatch(key.number, member.key, key.arg)
    else:
        outcome = await desk.tickets.recategorise(key.number, member.key, key.arg)
    if not outcome.ok:
        await desk.reply(member, refused(outcome, key.number))
        return
    if dispatching:
        grid_name = outcome.ticket.grid_name if outcome.ticket and outcome.ticket.grid_name else key.arg
        done, label = staff_texts.dispatched(key.number, key.arg), wecom_texts.dispatched_to(grid_name)
    else:
        name = desk.taxonomy.name(key.arg)
        done, label = staff_texts.recategorised_done(key.number, name), wecom_texts.recategorised_to(name)
    await desk.client.update_quietly(member.userid, response_code, replace_name=label)
    await desk.reply(member, done)
