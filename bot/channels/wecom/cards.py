"""WeCom ``template_card`` messages of type ``button_interaction``: a ticket as a card, the card a ticket
becomes once accepted, and the cards offering a supervisor's choices (grids, categories).

A card's text is the notification's own staff text (:func:`bot.texts.render.render`, made plain), its
buttons are the notification's buttons with their WeCom keys (:mod:`bot.channels.wecom.buttons`), and its
fields are read off the ticket summary the notification carries. A ticket's photo is a field of type 1
(a link) to a signed staff photo link: WeCom cards cannot hold an image of their own.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from bot.channels.wecom.buttons import key_of
from bot.channels.weixin.markup import plain
from bot.photos.links import PhotoLinks
from bot.photos.store import photo_name
from bot.texts import wecom as wecom_texts
from bot.texts.common import when
from bot.texts.render import Button
from bot.tickets.notifications import Kind

BUTTONS_PER_CARD = 6  # WeCom's limit for button_list
TITLE_LIMIT, DESC_LIMIT, SUB_TITLE_LIMIT = 26, 30, 300
KEYNAME_LIMIT, VALUE_LIMIT = 5, 26
TASK_ID_LIMIT = 128
Card = dict[str, Any]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def task_id(number: str) -> str:
    """A new task id (WeCom refuses one it has seen before in the app): the ticket and a random part."""
    return f"{number}-{secrets.token_hex(8)}"[:TASK_ID_LIMIT]


def photo_link(links: PhotoLinks, reference: str | None) -> str | None:
    """A signed staff link to a ticket's stored photo (a photo kept elsewhere, e.g. on Telegram, has none)."""
    name = photo_name(reference)
    return links.url(name) if name is not None else None


def _buttons(buttons: Sequence[Button]) -> list[dict[str, Any]]:
    return [{"text": _cut(b.text, 10), "style": 1 if i == 0 else 2, "key": key_of(b)} for i, b in enumerate(buttons)]


def _fields(number: str, data: dict[str, Any], photo_url: str | None) -> list[dict[str, Any]]:
    place = data.get("grid_name") or data.get("community") or wecom_texts.PLACE_UNKNOWN
    fields: list[tuple[str, str]] = [(wecom_texts.FIELD_NUMBER, number)]
    if data.get("category_name"):
        fields.append((wecom_texts.FIELD_CATEGORY, str(data["category_name"])))
    if data.get("deadline_at"):
        fields.append((wecom_texts.FIELD_DEADLINE, f"{when(float(data['deadline_at']))} 前"))
    fields.append((wecom_texts.FIELD_PLACE, str(place)))
    listed: list[dict[str, Any]] = [{"keyname": _cut(k, KEYNAME_LIMIT), "value": _cut(v, VALUE_LIMIT)} for k, v in fields]
    if photo_url is not None:
        listed.append({"type": 1, "keyname": wecom_texts.FIELD_PHOTO, "value": wecom_texts.PHOTO_LINK,
                       "url": photo_url})
    return listed


def _card(title: str, desc: str, text: str, buttons: Sequence[Button], task: str,
          fields: list[dict[str, Any]] | None = None) -> Card:
    card: Card = {
        "card_type": "button_interaction",
        "source": {"desc": wecom_texts.CARD_SOURCE},
        "main_title": {"title": _cut(title, TITLE_LIMIT), "desc": _cut(desc, DESC_LIMIT)},
        "sub_title_text": _cut(text, SUB_TITLE_LIMIT),
        "task_id": task,
        "button_list": _buttons(buttons[:BUTTONS_PER_CARD]),
    }
    if fields:
        card["horizontal_content_list"] = fields
    return card


def ticket_card(kind: Kind, number: str, data: dict[str, Any], html_text: str, buttons: Sequence[Button],
                photo_url: str | None, task: str) -> Card:
    """The card of a notification about a ticket (new, reopened, due, overdue, to dispatch, urgent)."""
    title = wecom_texts.card_title(kind, bool(data.get("urgent")))
    return _card(title, number, plain(html_text), buttons, task, _fields(number, data, photo_url))


def accepted_card(number: str, data: dict[str, Any], buttons: Sequence[Button], photo_url: str | None,
                  task: str) -> Card:
    """What a ticket's card becomes for the worker who accepted it: 办结 / 退回 in place of 接单."""
    return _card(wecom_texts.ACCEPTED_TITLE, number, str(data.get("text", "")), buttons, task,
                 _fields(number, data, photo_url))


def choice_cards(title: str, number: str, buttons: Sequence[Button]) -> list[Card]:
    """One card per six choices (WeCom's limit of buttons on a card), each saying which part it is."""
    chunks = [buttons[i : i + BUTTONS_PER_CARD] for i in range(0, len(buttons), BUTTONS_PER_CARD)]
    return [_card(title, number, wecom_texts.choice_part(part, len(chunks)), chunk, task_id(number))
            for part, chunk in enumerate(chunks, start=1)]
