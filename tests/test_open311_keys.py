"""Open311 API keys: `gridbot apikeys` (stored hashed, shown once), revocation, and the per-key rate limit."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp
import pytest
from redis.asyncio import Redis

from bot.accounts.apikeys import ApiKeys, digest_of
from bot.infra import keys
from bot.infra.clock import ManualClock
from nlp.masking import mask_personal
from tests.conftest import run_gridbot_inline
from tests.domain import START
from tests.open311_client import Open311Client, new_key
from tests.telegram_harness import World, start_world

IN_XY_01 = {"lat": "23.0320", "long": "113.7420"}


def test_apikeys_commands_print_the_key_once_and_keep_only_its_digest(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    added = run_gridbot_inline(["apikeys", "add", "--name", "hotline12345"], tmp_path, monkeypatch)
    assert added.status == 0, added.err
    key = added.out.split()[-1]
    assert key.startswith("g311_") and len(key) > 40
    listed = run_gridbot_inline(["apikeys", "list", "--json"], tmp_path, monkeypatch)
    [row] = json.loads(listed.out)
    assert row["name"] == "hotline12345" and row["created"] and row["last_used"] is None
    assert key not in listed.out and key not in run_gridbot_inline(["apikeys", "list"], tmp_path, monkeypatch).out
    again = run_gridbot_inline(["apikeys", "add", "--name", "hotline12345"], tmp_path, monkeypatch)
    assert again.status == 1 and "exists" in again.err
    bad = run_gridbot_inline(["apikeys", "add", "--name", "a:b"], tmp_path, monkeypatch)
    assert bad.status == 1 and bad.err.startswith("gridbot: error:")
    assert run_gridbot_inline(["apikeys", "revoke", "--name", "hotline12345"], tmp_path, monkeypatch).status == 0
    gone = run_gridbot_inline(["apikeys", "revoke", "--name", "hotline12345"], tmp_path, monkeypatch)
    assert gone.status == 1 and "unknown API key" in gone.err
    assert json.loads(run_gridbot_inline(["apikeys", "list", "--json"], tmp_path, monkeypatch).out) == []


async def test_a_key_is_stored_as_its_digest_and_its_use_recorded(redis: Redis) -> None:
    clock = ManualClock(START)
    api_keys = ApiKeys(redis, clock)
    made = await api_keys.add("hotline")
    assert made.key is not None
    stored = json.dumps(await redis.hgetall(keys.api_keys()))
    assert made.key not in stored and digest_of(made.key) in stored
    assert await api_keys.verify(made.key[:-1] + ("A" if made.key[-1] != "A" else "B")) is None
    clock.advance(5)
    assert await api_keys.verify(made.key) == "hotline"
    [info] = await api_keys.list()
    assert info.last_used_at == START + 5
    assert await api_keys.revoke("hotline") is None
    assert await api_keys.verify(made.key) is None


async def test_a_revoked_key_is_refused_with_403(world: World) -> None:
    key = await new_key(world)
    assert world.service.redis is not None
    async with aiohttp.ClientSession() as http:
        api = Open311Client(world, http)
        assert (await api.post({"api_key": key, "description": "路灯坏了", **IN_XY_01})).status == 201
        assert await ApiKeys(world.service.redis, world.clock).revoke("hotline") is None
        for fmt in ("json", "xml"):
            refused = await api.post({"api_key": key, "description": "路灯又坏了", **IN_XY_01}, fmt)
            assert refused.status == 403 and str(refused.rows[0]["code"]) == "403"
            assert (await api.get("requests", fmt, api_key=key)).status == 403


async def test_each_key_is_rate_limited_with_429(bot_api, redis, redis_url: str, tmp_path: Path,
                                                 trained_models: Path) -> None:
    world = await start_world(bot_api, redis_url, tmp_path / "var", trained_models,
                              open311_requests_per_minute=1, open311_burst=2)
    try:
        hotline, app = await new_key(world, "hotline"), await new_key(world, "app")
        async with aiohttp.ClientSession() as http:
            api = Open311Client(world, http)
            statuses = [(await api.get("services", api_key=hotline)).status for _ in range(4)]
            assert statuses[:3] == [200, 200, 200] and statuses[3] == 429
            limited = await api.post({"api_key": hotline, "description": "路灯坏了", **IN_XY_01}, "xml")
            assert limited.status == 429 and limited.rows[0]["code"] == "429" and limited.rows[0]["description"]
            assert (await api.post({"api_key": app, "description": "路灯坏了", **IN_XY_01})).status == 201
    finally:
        await world.service.stop()


def test_personal_numbers_are_masked() -> None:
    assert mask_personal("电话13812345678") == "电话138****5678"
    assert mask_personal("打 +86 138-1234-5678 找我") == "打 +86 138-****-5678 找我"
    assert mask_personal("身份证44190019900101123x。") == "身份证441**************x。"
    assert mask_personal("工单 T20261124-0007，门牌 8 号，订单 123456789012") == "工单 T20261124-0007，门牌 8 号，订单 123456789012"
    assert mask_personal("卡号6222021234567890123") == "卡号6222***********0123"  # labelled a card (fails Luhn)
    assert mask_personal("6222021234567890123") == "6222021234567890123"  # unlabelled and failing Luhn: no card


def test_xml_leaves_out_what_xml_cannot_hold_and_tickets_show_json_names_the_source() -> None:
    import xml.etree.ElementTree as ET

    from bot.channels.open311.formats import to_xml
    from bot.cli.tickets import ticket_json
    from bot.tickets.record import Ticket
    from bot.tickets.states import Status

    document = to_xml("service_requests", "request", [{"description": "铃\x07<b>&", "lat": None}])
    [item] = ET.fromstring(document)
    assert item.find("description").text == "铃<b>&" and item.find("lat").text is None  # type: ignore[union-attr]
    ticket = Ticket("T20261124-0001", Status.PENDING, "other", "x", "web:1", START, START)
    assert ticket_json(ticket)["source"] == "resident"
