"""The local Bot API server is faithful enough to drive real aiogram over HTTP.

A tiny echo bot runs with ``Dispatcher.start_polling`` against ``BotAPIServer``; tests play users
through the server and read what the bot sent. Error answers must surface in aiogram as the same
exception classes the real Telegram answers produce.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import Command
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from tests.botapi.app import serve
from tests.botapi.client import TINY_JPEG, buttons, reply_keyboard
from tests.botapi.server import SECRET_HEADER, BotAPIServer

pytestmark = pytest.mark.asyncio(loop_scope="session")


# --------------------------------------------------------------------------- the echo bot


def echo_router() -> Router:
    router = Router(name="echo")

    @router.message(Command("start"))
    async def start(message: Message) -> None:
        keyboard = ReplyKeyboardMarkup(
            keyboard=[[KeyboardButton(text="发送位置", request_location=True)]], resize_keyboard=True
        )
        await message.answer("<b>欢迎</b>, share your location", parse_mode="HTML", reply_markup=keyboard)

    @router.message(F.text)
    async def echo(message: Message) -> None:
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Press me", callback_data=f"press:{message.message_id}")]]
        )
        await message.answer(f"echo: {message.text}", reply_markup=markup)

    @router.callback_query(F.data.startswith("press:"))
    async def pressed(query: CallbackQuery) -> None:
        await query.answer("done")
        assert isinstance(query.message, Message)
        await query.message.edit_text(f"pressed {query.data}")

    @router.message(F.photo)
    async def photo(message: Message, bot: Bot) -> None:
        assert message.photo
        data = (await bot.download(message.photo[-1])).getvalue()
        is_jpeg = data[:2] == b"\xff\xd8"
        await message.answer(f"photo {len(data)} bytes, jpeg={is_jpeg}, caption={message.caption}")

    @router.message(F.location)
    async def location(message: Message) -> None:
        assert message.location
        await message.answer(f"at {message.location.latitude:.4f},{message.location.longitude:.4f}")

    return router


@dataclass
class Polling:
    dispatcher: Dispatcher
    seen_update_ids: list[int] = field(default_factory=list)


def make_bot(server: BotAPIServer, token: str | None = None) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
    return Bot(token or server.token, session=session)


@pytest.fixture
async def server() -> AsyncIterator[BotAPIServer]:
    async with BotAPIServer() as srv:
        yield srv
        assert not srv.internal_errors, srv.internal_errors


@pytest.fixture
async def bot(server: BotAPIServer) -> AsyncIterator[Bot]:
    bot = make_bot(server)
    yield bot
    await bot.session.close()


@pytest.fixture
async def polling(server: BotAPIServer, bot: Bot) -> AsyncIterator[Polling]:
    dp = Dispatcher()
    state = Polling(dp)

    @dp.update.outer_middleware()
    async def remember(handler: Any, event: Any, data: dict[str, Any]) -> Any:
        state.seen_update_ids.append(event.update_id)
        return await handler(event, data)

    dp.include_router(echo_router())
    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False, close_bot_session=False))
    await server.wait_until(lambda: server.calls["getUpdates"] >= 1 or task.done(), what="first getUpdates")
    assert not task.done(), task
    yield state
    await dp.stop_polling()
    await asyncio.wait_for(task, 5)


async def start_receiver(app: web.Application) -> tuple[web.AppRunner, str]:
    runner, port = await serve(app, "127.0.0.1")
    return runner, f"http://127.0.0.1:{port}"


# --------------------------------------------------------------------------- raw HTTP shapes


async def test_wire_format_json_form_multipart_and_errors(server: BotAPIServer) -> None:
    user = server.user("Raw")
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    async with aiohttp.ClientSession() as http:
        async with http.get(server.api_url("getMe")) as resp:
            me = await resp.json()
        assert resp.status == 200 and me["ok"] and me["result"]["is_bot"] and me["result"]["id"] == server.bot_id

        async with http.post(server.api_url("sendMessage"), json={"chat_id": user.id, "text": "json", "reply_markup": markup}) as resp:
            body = await resp.json()
        assert body["ok"] and body["result"]["reply_markup"] == markup and body["result"]["chat"]["id"] == user.id

        form = {"chat_id": str(user.id), "text": "form", "reply_markup": json.dumps(markup), "disable_notification": "true"}
        async with http.post(server.api_url("SENDMESSAGE"), data=form) as resp:  # names are case-insensitive
            body = await resp.json()
        assert body["ok"] and body["result"]["text"] == "form" and body["result"]["reply_markup"] == markup

        multipart = aiohttp.FormData()
        multipart.add_field("chat_id", str(user.id))
        multipart.add_field("photo", "attach://pic")
        multipart.add_field("pic", TINY_JPEG, filename="pic.jpg", content_type="image/jpeg")
        async with http.post(server.api_url("sendPhoto"), data=multipart) as resp:
            body = await resp.json()
        assert body["ok"] and body["result"]["photo"][-1]["width"] == 8

        async with http.post(server.api_url("sendMessage"), data={"chat_id": str(user.id)}) as resp:
            assert resp.status == 400
            assert await resp.json() == {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"}
        async with http.post(server.api_url("noSuchMethod")) as resp:
            assert resp.status == 404
            assert await resp.json() == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
        async with http.post(server.api_url("getMe", token="1:wrong")) as resp:
            assert resp.status == 401
            assert await resp.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}

        server.fail_next("sendMessage", status=429, retry_after=3)
        async with http.post(server.api_url("sendMessage"), json={"chat_id": user.id, "text": "x"}) as resp:
            assert resp.status == 429
            assert await resp.json() == {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 3",
                "parameters": {"retry_after": 3},
            }

    assert [m["text"] for m in server.messages_to(user.id) if "text" in m] == ["json", "form"]
    assert server.calls["sendMessage"] == 4 and server.calls["noSuchMethod"] == 1 and server.calls["getMe"] == 2
    assert [r.content_type for r in server.requests if r.method == "sendMessage"][:2] == [
        "application/json",
        "application/x-www-form-urlencoded",
    ]


async def test_long_polling_offset_limit_and_timeout(server: BotAPIServer, bot: Bot) -> None:
    user = server.user("Poll")
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(timeout=1) == []
    assert loop.time() - started >= 0.9

    waiting = asyncio.create_task(bot.get_updates(timeout=10))
    await server.wait_until(lambda: server.calls["getUpdates"] >= 2)
    first = await server.send_text(user, "/start now")
    updates = await asyncio.wait_for(waiting, 2)  # returned early, not after 10 s
    assert [u.update_id for u in updates] == [first]
    message = updates[0].message
    assert message and message.text == "/start now" and message.from_user and message.from_user.id == user.id
    assert message.entities and message.entities[0].type == "bot_command" and message.entities[0].length == 6

    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [first]  # not confirmed yet
    more = [await server.send_text(user, f"m{i}") for i in range(3)]
    assert [u.update_id for u in await bot.get_updates(offset=first + 1, limit=2)] == more[:2]
    assert [u.update_id for u in await bot.get_updates(offset=more[2] + 1, timeout=0)] == []
    assert server.pending_updates == []


# --------------------------------------------------------------------------- aiogram polling end to end


async def test_echo_button_press_and_edit(server: BotAPIServer, polling: Polling) -> None:
    user = server.user("Alice")
    await server.send_text(user, "hello 网格")
    reply = await server.wait_for_message(user.id, lambda m: m["text"].startswith("echo:"))
    assert reply["text"] == "echo: hello 网格"
    assert reply["from"]["id"] == server.bot_id and reply["chat"]["id"] == user.id
    assert buttons(reply) == ["Press me"]

    query_id = await server.press(user, reply, "Press me")
    answer = await server.wait_for_callback_answer(query_id)
    assert answer["text"] == "done" and answer["show_alert"] is False
    edited = await server.wait_for_edit(user.id, reply, lambda m: m["text"].startswith("pressed"))
    assert edited["text"] == f"pressed press:{reply['message_id'] - 1}"
    assert buttons(edited) == []  # editMessageText without reply_markup drops the inline keyboard
    assert server.edits_of(user.id, reply["message_id"])[0]["before"]["text"] == "echo: hello 网格"

    # pressing the same (now keyboard-less) message again is a test error, forged data is possible
    with pytest.raises(AssertionError, match="no inline button"):
        await server.press(user, reply, "Press me")
    forged = await server.press_raw(user, reply, "press:999")
    assert (await server.wait_for_callback_answer(forged))["text"] == "done"


async def test_photo_reaches_handler_and_downloads(server: BotAPIServer, polling: Polling, bot: Bot) -> None:
    user = server.user("Bob")
    await server.send_photo(user, caption="墙面裂缝")
    reply = await server.wait_for_message(user.id)
    assert reply["text"] == f"photo {len(TINY_JPEG)} bytes, jpeg=True, caption=墙面裂缝"
    assert server.calls["getFile"] == 1 and server.calls["file"] == 1

    photo_message = server.messages_from(user)[0]
    file_id = photo_message["photo"][0]["file_id"]
    assert (await bot.download(file_id)).getvalue() == TINY_JPEG

    # the bot sends photos by upload (multipart) and by file_id
    sent = await bot.send_photo(user.id, BufferedInputFile(TINY_JPEG, "p.jpg"), caption="<i>ok</i>", parse_mode="HTML")
    assert sent.photo and sent.caption == "ok" and sent.caption_entities and sent.caption_entities[0].type == "italic"
    assert server.requests[-1].content_type == "multipart/form-data"
    again = await bot.send_photo(user.id, file_id)
    assert again.photo and again.photo[-1].file_id == photo_message["photo"][-1]["file_id"]
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(user.id, "no-such-file-id")


async def test_reply_keyboard_and_location(server: BotAPIServer, polling: Polling) -> None:
    user = server.user("Carol")
    await server.send_text(user, "/start")
    welcome = await server.wait_for_message(user.id)
    assert welcome["text"] == "欢迎, share your location"  # HTML parsed into entities
    assert welcome["entities"] == [{"type": "bold", "offset": 0, "length": 2}]
    assert reply_keyboard(welcome) == [{"text": "发送位置", "request_location": True}]

    await server.send_location(user, 31.2304, 121.4737)
    located = await server.wait_for_message(user.id, lambda m: m["text"].startswith("at "))
    assert located["text"] == "at 31.2304,121.4737"


async def test_redelivered_update_reaches_the_bot_twice(server: BotAPIServer, polling: Polling) -> None:
    user = server.user("Dave")
    update_id = await server.send_text(user, "once")
    first = await server.wait_for_message(user.id)
    await server.redeliver(update_id)
    second = await server.wait_for_message(user.id, after=first)
    assert first["text"] == second["text"] == "echo: once"
    assert polling.seen_update_ids.count(update_id) == 2


# --------------------------------------------------------------------------- errors as aiogram sees them


async def test_fault_injection_maps_to_aiogram_exceptions(server: BotAPIServer, bot: Bot) -> None:
    user = server.user("Eve")

    server.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as flood:
        await bot.send_message(user.id, "flood")
    assert flood.value.retry_after == 7

    server.fail_next("sendMessage", status=502, times=2)
    for _ in range(2):
        with pytest.raises(TelegramServerError, match="Bad Gateway"):
            await bot.send_message(user.id, "gateway")
    assert (await bot.send_message(user.id, "recovered")).text == "recovered"

    server.block_chat(user.id)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(user.id, "blocked")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_chat_action(user.id, "typing")
    server.unblock_chat(user.id)

    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(424242, "nobody")

    with pytest.raises(TelegramUnauthorizedError):
        other = make_bot(server, token="42:not-the-token")
        try:
            await other.get_me()
        finally:
            await other.session.close()

    server.delay("sendMessage", 0.3)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await bot.send_message(user.id, "slow")
    assert loop.time() - started >= 0.3
    server.delay("sendMessage", 0)

    assert server.calls["sendMessage"] == 7
    assert [m["text"] for m in server.messages_to(user.id)] == ["recovered", "slow"]


async def test_edit_delete_and_formatting_errors(server: BotAPIServer, bot: Bot) -> None:
    user = server.user("Frank")
    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]])
    sent = await bot.send_message(user.id, "v1", reply_markup=markup)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("v1", chat_id=user.id, message_id=sent.message_id, reply_markup=markup)
    edited = await bot.edit_message_reply_markup(chat_id=user.id, message_id=sent.message_id)
    assert isinstance(edited, Message) and edited.reply_markup is None
    assert server.messages_to(user.id)[0].get("reply_markup") is None and server.edits[-1]["method"] == "editMessageReplyMarkup"

    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        too_long = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="x" * 65)]])
        await bot.send_message(user.id, "bad", reply_markup=too_long)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(user.id, "1 < 2 <br> oops", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="reserved and must be escaped"):
        await bot.send_message(user.id, "T2026.1", parse_mode="MarkdownV2")

    assert await bot.delete_message(user.id, sent.message_id)
    assert server.messages_to(user.id) == []
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(user.id, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("v2", chat_id=user.id, message_id=sent.message_id)


async def test_commands_chat_actions_and_get_chat(server: BotAPIServer, bot: Bot) -> None:
    user = server.user("Gina", username="gina_g")
    assert await bot.set_my_commands([BotCommand(command="start", description="开始"), BotCommand(command="help", description="帮助")])
    assert server.my_commands() == [{"command": "start", "description": "开始"}, {"command": "help", "description": "帮助"}]
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert await bot.delete_my_commands()
    assert server.my_commands() == []

    assert await bot.send_chat_action(user.id, "typing")
    assert server.chat_actions == [(user.id, "typing")]
    chat = await bot.get_chat(user.id)
    assert chat.id == user.id and chat.type == "private" and chat.username == "gina_g"
    location = await bot.send_location(user.id, latitude=39.9042, longitude=116.4074)
    assert location.location and location.location.latitude == pytest.approx(39.9042)


# --------------------------------------------------------------------------- webhook mode


async def test_webhook_delivery_retry_and_secret(server: BotAPIServer, bot: Bot) -> None:
    user = server.user("Hook")
    received: list[tuple[str | None, dict[str, Any]]] = []
    statuses = iter([500])  # the first delivery fails, later ones succeed

    async def hook(request: web.Request) -> web.Response:
        status = next(statuses, 200)
        if status == 200:
            received.append((request.headers.get(SECRET_HEADER), await request.json()))
        return web.json_response({}, status=status)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner, base = await start_receiver(app)
    try:
        assert await bot.set_webhook(f"{base}/hook", secret_token="s3cr3t-Token_1")
        info = await bot.get_webhook_info()
        assert info.url == f"{base}/hook" and info.pending_update_count == 0
        with pytest.raises(TelegramConflictError):
            await bot.get_updates()

        update_id = await server.send_text(user, "to the hook")
        await server.wait_until(lambda: received, what="webhook POST")
        secret, update = received[0]
        assert secret == "s3cr3t-Token_1"
        assert update["update_id"] == update_id and update["message"]["text"] == "to the hook"
        assert [d["status"] for d in server.webhook_deliveries] == [500, 200]
        assert "500" in ((await bot.get_webhook_info()).last_error_message or "")

        await server.redeliver(update_id)
        await server.wait_until(lambda: len(received) == 2, what="redelivered POST")
        assert received[1][1]["update_id"] == update_id

        assert await bot.delete_webhook()
        later = await server.send_text(user, "back to polling")
        assert [u.update_id for u in await bot.get_updates(timeout=0)] == [later]
        assert len(received) == 2
    finally:
        await runner.cleanup()


async def test_webhook_with_aiogram_handler_and_webhook_reply(server: BotAPIServer, bot: Bot) -> None:
    user = server.user("Ivan")
    router = Router(name="reply")

    @router.message(F.text == "reply please")
    async def via_reply(message: Message) -> Any:
        return message.answer("answered in the webhook response")  # not awaited: a webhook reply

    dp = Dispatcher()
    dp.include_routers(router, echo_router())  # the specific router first: echo's F.text takes the rest

    app = web.Application()
    SimpleRequestHandler(dp, bot, secret_token="right-secret", handle_in_background=False).register(app, path="/tg")
    runner, base = await start_receiver(app)
    try:
        await bot.set_webhook(f"{base}/tg", secret_token="right-secret")
        await server.send_text(user, "hi hook")
        echoed = await server.wait_for_message(user.id)
        assert echoed["text"] == "echo: hi hook" and buttons(echoed) == ["Press me"]

        await server.send_text(user, "reply please")
        replied = await server.wait_for_message(user.id)
        assert replied["text"] == "answered in the webhook response"
        assert [r.via for r in server.requests if r.method == "sendMessage"] == ["http", "webhook-reply"]

        # a wrong secret makes aiogram answer 401: retried, then dropped, error reported
        await bot.set_webhook(f"{base}/tg", secret_token="wrong-secret")
        await server.send_text(user, "lost")
        info = await server.wait_until(lambda: server.webhook_last_error, what="webhook error")
        assert "401" in info[1]
        await server.wait_until(lambda: not server.pending_updates, what="dropped update")
        assert [d["status"] for d in server.webhook_deliveries[-3:]] == [401, 401, 401]
        await bot.delete_webhook()
    finally:
        await runner.cleanup()
