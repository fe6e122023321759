"""Open311 GeoReport v2 conformance: every field and error SPEC names, in JSON and XML, against a running
gridbot whose workers are on the Telegram test server."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.infra import keys
from bot.people.directory import telegram_key
from bot.tickets.states import Status
from tests.domain import START
from tests.open311_client import Open311Client, new_key
from tests.telegram_harness import World

FORMATS = ("json", "xml")
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "requested_datetime", "updated_datetime", "expected_datetime", "address",
                  "lat", "long"}
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "group"}
W3C = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00")
IN_XY_01 = {"lat": "23.0320", "long": "113.7420"}  # inside GC-XY-01 of the demo map


@pytest.fixture
async def api(world: World) -> AsyncIterator[Open311Client]:
    async with aiohttp.ClientSession() as http:
        yield Open311Client(world, http)


def _text(value: object) -> str:
    """A value as both formats carry it (XML: text; JSON: its own type)."""
    return "true" if value is True else "false" if value is False else str(value)


@pytest.mark.parametrize("fmt", FORMATS)
async def test_services_are_the_categories(world: World, api: Open311Client, fmt: str) -> None:
    answer = await api.get("services", fmt)
    assert answer.status == 200
    assert answer.content_type == ("text/xml" if fmt == "xml" else "application/json")
    if fmt == "xml":
        assert (answer.root, answer.item) == ("services", "service")
    assert world.service.domain is not None
    categories = world.service.domain.taxonomy.categories
    assert [row["service_code"] for row in answer.rows] == [c.code for c in categories]
    for row, category in zip(answer.rows, categories):
        assert SERVICE_FIELDS <= set(row)
        assert row["service_name"] == category.name and row["description"] == category.definition
        assert _text(row["metadata"]) == "false" and row["type"] == "realtime" and row["group"]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_post_then_get_round_trip_reaches_the_grid_worker(world: World, api: Open311Client, fmt: str) -> None:
    key = await new_key(world)
    posted = await api.post({"api_key": key, "service_code": "municipal", "description": "西正路的路灯坏了，晚上很黑",
                             **IN_XY_01, "email": "someone@example.com", "first_name": "张", "last_name": "三",
                             "phone": "13912345678", "media_url": "https://example.com/a.jpg"}, fmt)
    assert posted.status == 201, posted.rows
    if fmt == "xml":
        assert (posted.root, posted.item) == ("service_requests", "request")
    [receipt] = posted.rows
    assert set(receipt) == {"service_request_id", "service_notice", "account_id"}
    number = receipt["service_request_id"]
    assert re.fullmatch(r"T\d{8}-\d{4,}", number) and number in receipt["service_notice"]
    assert receipt["account_id"] is None

    await world.sees(world.worker, number, "路灯")  # the grid's workers hear of it as of any ticket
    got = await api.get(f"requests/{number}", fmt)
    assert got.status == 200
    [request] = got.rows
    assert REQUEST_FIELDS <= set(request)
    assert request["service_request_id"] == number and request["status"] == "open"
    assert request["service_code"] == "municipal" and request["service_name"] == "市政设施"
    assert request["description"] == "西正路的路灯坏了，晚上很黑"
    assert request["agency_responsible"] == "莞城街道西隅社区"
    assert request["status_notes"] == Status.ASSIGNED.label
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C.fullmatch(request[name]), request[name]
    assert request["requested_datetime"] == "2026-11-24T09:00:00+08:00"
    assert request["expected_datetime"] == "2026-11-27T09:00:00+08:00"  # municipal: 72 h
    assert float(request["lat"]) == pytest.approx(23.032) and float(request["long"]) == pytest.approx(113.742)

    domain = world.service.domain
    assert domain is not None
    ticket = await domain.store.get(number)
    assert ticket is not None and ticket.source == "open311" and ticket.grid_id == "GC-XY-01"
    assert ticket.resident.startswith("open311:hotline:")
    stored = " ".join(str(v) for v in (await world.service.redis.hgetall(keys.ticket(number))).values())  # type: ignore[union-attr]
    trail = " ".join(e.to_json() for e in await domain.store.audit(number))
    for personal in ("someone@example.com", "13912345678", "张"):
        assert personal not in stored and personal not in trail


async def test_a_request_without_service_code_is_classified_and_placed_by_its_address(
        world: World, api: Open311Client) -> None:
    key = await new_key(world)
    posted = await api.post({"api_key": key, "address_string": "西正路8号", "description": "路灯坏了好几天，晚上一片漆黑"})
    assert posted.status == 201, posted.rows
    number = posted.rows[0]["service_request_id"]
    [request] = (await api.get(f"requests/{number}")).rows
    assert request["service_code"] == "municipal"
    assert request["address"] == "西正路8号"
    assert request["lat"] is None and request["long"] is None
    domain = world.service.domain
    assert domain is not None
    ticket = await domain.store.get(number)
    assert ticket is not None and ticket.grid_id == "GC-XY-01" and "西正路8号" in ticket.text
    await world.sees(world.worker, number)


@pytest.mark.parametrize("fmt", FORMATS)
async def test_post_errors(world: World, api: Open311Client, fmt: str) -> None:
    key = await new_key(world)
    good = {"api_key": key, "description": "路灯坏了", **IN_XY_01}
    cases = [
        (403, {k: v for k, v in good.items() if k != "api_key"}),
        (403, {**good, "api_key": "g311_not-a-key"}),
        (400, {"api_key": key, "description": "路灯坏了"}),  # no location
        (400, {**good, "long": ""}),  # lat without long
        (400, {**good, "lat": "north"}),
        (400, {**good, "lat": "123"}),
        (400, {**good, "description": " "}),
        (400, {**good, "description": "长" * 2001}),
        (400, {**good, "service_code": "potholes"}),
    ]
    for status, fields in cases:
        answer = await api.post(fields, fmt)
        assert answer.status == status, (fields, answer.rows)
        if fmt == "xml":
            assert (answer.root, answer.item) == ("errors", "error")
        [error] = answer.rows
        assert set(error) == {"code", "description"} and _text(error["code"]) == str(status) and error["description"]
    async with api.http.post(f"{api.base}/requests.json", json={"api_key": key, **good}) as response:
        assert response.status == 400 and (await response.json())[0]["code"] == 400  # JSON is not a form
    domain = world.service.domain
    assert domain is not None
    assert await domain.store.list() == []


@pytest.mark.parametrize("fmt", FORMATS)
async def test_unknown_requests_and_paths_are_404(world: World, api: Open311Client, fmt: str) -> None:
    for path in ("requests/T20261124-9999", "requests/nothing", "tokens/1", "discovery"):
        answer = await api.get(path, fmt)
        assert answer.status == 404, path
        [error] = answer.rows
        assert _text(error["code"]) == "404" and error["description"]
    async with api.http.get(f"{api.base}/services.html") as response:
        assert response.status == 404 and (await response.json())[0]["code"] == 404


async def _file(world: World, api: Open311Client, key: str, description: str, code: str) -> str:
    answer = await api.post({"api_key": key, "description": description, "service_code": code, **IN_XY_01})
    assert answer.status == 201, answer.rows
    return str(answer.rows[0]["service_request_id"])


@pytest.mark.parametrize("fmt", FORMATS)
async def test_listing_filters_by_id_code_state_and_dates(world: World, api: Open311Client, fmt: str) -> None:
    key = await new_key(world)
    lamp = await _file(world, api, key, "西正路的路灯坏了", "municipal")
    world.clock.advance(60)
    rubbish = await _file(world, api, key, "西隅市场门口垃圾堆了三天没人清理", "sanitation")
    domain = world.service.domain
    assert domain is not None
    worker = telegram_key(world.worker.id)
    assert (await domain.tickets.accept(rubbish, worker)).ok
    assert (await domain.tickets.resolve(rubbish, worker, "已清运，联系人 13800001111")).ok

    async def ids(**query: str) -> list[str]:
        answer = await api.get("requests", fmt, **query)
        assert answer.status == 200, answer.rows
        return [row["service_request_id"] for row in answer.rows]

    assert await ids() == [rubbish, lamp]  # newest first, the last 90 days
    assert await ids(status="open") == [lamp]
    assert await ids(status="closed") == [rubbish]
    assert await ids(service_code="municipal") == [lamp]
    assert await ids(service_request_id=f"{lamp},T20200101-0001,{rubbish}") == [lamp, rubbish]
    assert await ids(start_date="2026-11-24T09:00:30+08:00") == [rubbish]
    assert await ids(end_date="2026-11-24T09:00:30+08:00") == [lamp]
    assert await ids(start_date="2026-11-25T00:00:00+08:00", end_date="2026-11-26T00:00:00+08:00") == []
    assert await ids(start_date="2026-11-24T01:00:00Z", end_date="2026-11-24T02:00:00Z") == [rubbish, lamp]
    [closed] = (await api.get(f"requests/{rubbish}", fmt)).rows
    assert closed["status"] == "closed" and closed["status_notes"] == f"{Status.RESOLVED.label}：已清运，联系人 138****1111"

    world.clock.advance(91 * 86400)  # the default window is the last 90 days
    assert await ids() == []
    for query in ({"start_date": "2026-08-01T00:00:00+08:00", "end_date": "2026-11-25T00:00:00+08:00"},  # > 90 days
                  {"start_date": "2026-11-25T00:00:00+08:00", "end_date": "2026-11-24T00:00:00+08:00"},
                  {"start_date": "yesterday"}, {"end_date": "2026-13-01"}, {"status": "pending"}):
        answer = await api.get("requests", fmt, **query)
        assert answer.status == 400, query
        assert _text(answer.rows[0]["code"]) == "400" and answer.rows[0]["description"]


async def test_no_resident_identity_is_published_and_numbers_are_masked(world: World, api: Open311Client) -> None:
    await world.says(world.resident, "西正路8号的路灯坏了，我电话13812345678，身份证44190019900101123X")
    number = await world.ticket_number(world.resident)
    [request] = (await api.get(f"requests/{number}")).rows
    assert "13812345678" not in request["description"] and "138****5678" in request["description"]
    assert "44190019900101123X" not in request["description"] and "441**************X" in request["description"]
    published = str(request)
    assert str(world.resident.id) not in published and "telegram" not in published
    assert str(world.worker.id) not in published
    assert START  # requests are dated by the service's clock
