"""Residents' words stay theirs: a neighbour whose request joined a ticket sees only their own words, on
every channel and in every notification; and a ticket that is not yours reads as one that does not exist,
so ticket numbers cannot be probed."""

from __future__ import annotations

import pytest

from bot.texts.render import render
from bot.grids.map import Location
from bot.tickets.notifications import Notification
from bot.tickets.outcome import Refusal
from bot.tickets.service import NewRequest
from tests.domain import Domain, build_domain
from tests.telegram_harness import World
from tests.test_web_chat import browser

OPENER, NEIGHBOUR, STRANGER = "web:opener", "web:neighbour", "web:stranger"
WORKER = "telegram:2001"
HD01 = Location("HD-01", "河东一网格", "河东社区", "新城街道", "alias", "滨河路")
PHONE = "13800138000"
OPENER_WORDS = f"滨河路8号门口的路灯坏了三天了，晚上很黑，我电话{PHONE}"
NEIGHBOUR_WORDS = "滨河路8号门口的路灯坏了三天了，晚上很黑"
LAMP_WITH_PHONE = f"西正路8号门口的路灯坏了三天了，晚上很黑，我电话{PHONE}"
LAMP = "西正路8号门口的路灯坏了好几天了，晚上很黑"  # the same problem, in the neighbour's words


@pytest.fixture
async def domain(redis) -> Domain:
    d = await build_domain(redis)
    await d.people.add_worker(WORKER, "HD-01", "李网格")
    return d


def lamp(resident: str, text: str) -> NewRequest:
    return NewRequest(resident=resident, text=text, category="municipal", confidence=0.9, location=HD01)


async def to(domain: Domain, resident: str) -> list[Notification]:
    return [n for n in await domain.outbox() if n.recipient == resident]


async def test_a_neighbour_is_never_sent_the_words_of_the_resident_who_opened_the_ticket(domain: Domain) -> None:
    number = (await domain.tickets.open(lamp(OPENER, OPENER_WORDS))).ticket.number
    linked = await domain.tickets.open(lamp(NEIGHBOUR, NEIGHBOUR_WORDS))
    assert linked.linked and linked.ticket.number == number
    assert (await domain.tickets.accept(number, WORKER)).ok
    assert (await domain.tickets.resolve(number, WORKER, "已更换灯泡")).ok
    assert (await domain.tickets.rate(number, OPENER, 1)).ok  # reopened: told to the neighbour too
    notes = await to(domain, NEIGHBOUR)
    assert {str(n.kind) for n in notes} == {"linked", "status_changed", "resolved"}
    for note in notes:  # what any channel may render from: neither the text nor the data has them
        assert PHONE not in render(note).text and "我电话" not in render(note).text
        assert PHONE not in str(note.data) and "我电话" not in str(note.data), note
    assert "已更换灯泡" in render(next(n for n in notes if str(n.kind) == "resolved")).text  # the result is theirs


async def test_a_ticket_that_is_not_yours_reads_as_an_unknown_number(domain: Domain) -> None:
    number = (await domain.tickets.open(lamp(OPENER, OPENER_WORDS))).ticket.number
    assert (await domain.tickets.open(lamp(NEIGHBOUR, NEIGHBOUR_WORDS))).linked
    unknown = "T20261124-9999"
    for act in (lambda n: domain.tickets.cancel(n, STRANGER), lambda n: domain.tickets.rate(n, STRANGER, 5)):
        probed, missing = await act(number), await act(unknown)
        assert probed.refusal == missing.refusal == Refusal.NOT_FOUND
        assert probed.ticket is None  # nothing of the ticket goes back to the channel either
    # the neighbour knows the ticket (it is in their list): they are told it is not theirs to change
    assert (await domain.tickets.cancel(number, NEIGHBOUR)).refusal == Refusal.NOT_ALLOWED
    assert (await domain.tickets.get(number)).status == "assigned"


async def test_on_the_web_a_neighbour_lists_only_their_own_words(world: World) -> None:
    async with browser(world) as opener, browser(world) as neighbour:
        opened = (await opener.post("/api/messages", {"text": LAMP_WITH_PHONE}))[1]
        linked = (await neighbour.post("/api/messages", {"text": LAMP}))[1]
        assert linked["kind"] == "linked" and linked["number"] == opened["number"], (opened, linked)
        async with neighbour.http.get(f"{neighbour.base}/api/tickets") as response:
            body = await response.text()
            listed = (await response.json())["tickets"]
        assert [(t["number"], t["text"], t["own"]) for t in listed] == [(opened["number"], LAMP, False)]
        assert PHONE not in body
        async with opener.http.get(f"{opener.base}/api/tickets") as response:
            assert [t["text"] for t in (await response.json())["tickets"]] == [LAMP_WITH_PHONE]
        offer = await world.sees(world.worker, "新工单", opened["number"])
        await world.presses(world.worker, offer, "接单")
        events = await neighbour.listen(2)  # 已并入, then 处理中
        assert [e["kind"] for e in events] == ["linked", "status_changed"]
        assert all(PHONE not in str(e) for e in events)


async def test_someone_elses_ticket_and_an_unknown_one_get_the_same_404_on_the_web(world: World) -> None:
    async with browser(world) as owner, browser(world) as other:
        number = (await owner.post("/api/messages", {"text": "西正路8号门口的井盖丢了"}))[1]["number"]
        unknown = number[:-4] + "9999"
        for action, body in (("cancel", {}), ("rate", {"stars": 5})):
            probed = await other.post(f"/api/tickets/{number}/{action}", body)
            missing = await other.post(f"/api/tickets/{unknown}/{action}", body)
            assert probed[0] == missing[0] == 404, (probed, missing)
            assert probed[1]["error"].replace(number, "N") == missing[1]["error"].replace(unknown, "N")
    assert (await world.service.domain.tickets.get(number)).status == "assigned"


async def test_on_telegram_my_shows_a_neighbour_only_their_own_words(world: World) -> None:
    neighbour = world.stranger
    await world.says(world.resident, LAMP_WITH_PHONE)
    number = await world.ticket_number(world.resident)
    await world.says(neighbour, LAMP)
    await world.sees(neighbour, "已并入", number)
    await world.says(neighbour, "/my")
    listed = await world.sees(neighbour, "您的工单", number)
    assert LAMP[:20] in listed["text"] and LAMP_WITH_PHONE[:20] not in listed["text"]
    offer = await world.sees(world.worker, "新工单", number)
    await world.presses(world.worker, offer, "接单")
    await world.service.domain.tickets.resolve(number, f"telegram:{world.worker.id}", "已更换灯泡")
    await world.sees(neighbour, number, "已办结", "已更换灯泡")
    assert all(PHONE not in (m.get("text") or "") for m in world.server.messages_to(neighbour))


async def test_on_telegram_cancelling_someone_elses_ticket_reads_as_an_unknown_number(world: World) -> None:
    await world.says(world.resident, "西正路8号门口的井盖丢了")
    number = await world.ticket_number(world.resident)
    unknown = number[:-4] + "9999"
    await world.says(world.stranger, f"/cancel {number}")
    probed = await world.sees(world.stranger, number, "工单")
    await world.says(world.stranger, f"/cancel {unknown}")
    missing = await world.sees(world.stranger, unknown)
    assert probed["text"].replace(number, "N") == missing["text"].replace(unknown, "N")
    assert "找不到" in probed["text"]
    assert (await world.service.domain.tickets.get(number)).status == "assigned"
