"""The console's classifier page over real HTTP: admin accounts only (everyone else 404 on every route),
versions with metrics and the confusion heat map, corrections accepted or rejected changing what
retraining trains on, switching every process to an earlier version, and a retraining from the browser
with its progress polled as JSON (slow)."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.accounts.scope import Role, Scope
from bot.accounts.store import Accounts
from bot.infra import keys
from bot.model.retrain import corrections, with_corrections
from bot.model.corrections import Corrections, Review
from nlp.dataset import read_labelled_csv
from tests.telegram_harness import World
from tests.test_console_web import PASSWORD, XY02, Console, opened

OLD = "20200101-000000-00000000-0000"


@pytest.fixture
async def console(world: World) -> AsyncIterator[Console]:
    accounts = Accounts(world.service.redis)
    await accounts.add("admin", Scope(Role.ADMIN), PASSWORD)
    await accounts.add("city", Scope(Role.CITY), PASSWORD)
    await accounts.add("xiyu", Scope(Role.COMMUNITY, "莞城街道", "西隅社区"), PASSWORD)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        yield Console(http, f"http://127.0.0.1:{world.service.http_port}")


async def labelled(world: World, text: str, label: str) -> str:
    """A ticket whose category a person corrected to ``label``."""
    assert world.service.domain is not None
    tickets = world.service.domain.tickets
    number = await opened(world, XY02, text)
    await tickets.record_label(await tickets.get(number), label, f"telegram:{world.resident.id}")
    return number


def earlier_version(world: World) -> str:
    """A second saved version (a copy of the current one under an older name), to roll back to."""
    models = Path(world.service.settings.data_dir) / "models"
    current = (models / "CURRENT").read_text().strip()
    shutil.copytree(models / current, models / OLD)
    metadata = json.loads((models / OLD / "metadata.json").read_text())
    metadata.update(version=OLD, created_at="2020-01-01T00:00:00+00:00")
    (models / OLD / "metadata.json").write_text(json.dumps(metadata))
    return current


@pytest.mark.parametrize("username", ["city", "xiyu"])
async def test_anyone_but_an_admin_gets_404_on_every_classifier_route(world: World, console: Console,
                                                                      username: str) -> None:
    number = await labelled(world, "垃圾桶满了没人清", "sanitation")
    await console.login(username)
    assert (await console.page("/console/classifier"))[0] == 404
    async with console.http.get(console.base + "/console/api/classifier/retrain") as response:
        assert response.status == 404
    for path, form in (("retrain", {}), ("switch", {"version": OLD}), (f"corrections/{number}/rejected", {})):
        assert (await console.post(f"/console/classifier/{path}", form))[0] == 404
    assert not await world.service.redis.exists(keys.retrain_progress(), keys.correction_reviews())


async def test_an_admin_sees_versions_metrics_and_the_confusion_heat_map(world: World, console: Console) -> None:
    current = earlier_version(world)
    await labelled(world, "垃圾桶满了没人清", "sanitation")
    await console.login("admin")
    status, html = await console.page("/console/classifier")
    assert status == 200 and current in html and OLD in html and "服务中" in html and "当前版本" in html
    assert "macro-F1" in html and "各类别 F1" in html and "环境卫生" in html
    heat = html.split('aria-label="混淆矩阵', 1)[1].split("</svg>", 1)[0]
    labels = len(world.service.models.metadata.metrics["confusion"]["labels"])
    assert heat.count('class="cell"') == labels * labels
    assert "垃圾桶满了没人清" in html and "待审核" in html
    status, html = await console.page(f"/console/classifier?version={OLD}")
    assert f"模型指标 · {OLD}" in html


async def test_a_rejected_correction_is_left_out_of_retraining_and_an_accepted_one_used(
        world: World, console: Console) -> None:
    redis = world.service.redis
    kept = await labelled(world, "垃圾桶满了没人清", "sanitation")
    dropped = await labelled(world, "楼上装修太吵了", "construction")
    assert {c["number"] for c in await corrections(redis)} == {kept, dropped}  # pending ones are used
    await console.login("admin")
    assert (await console.page("/console/classifier"))[0] == 200
    assert (await console.post(f"/console/classifier/corrections/{kept}/accepted", {}))[0] == 303
    assert (await console.post(f"/console/classifier/corrections/{dropped}/rejected", {}))[0] == 303
    assert [c["number"] for c in await corrections(redis)] == [kept]
    corpus = read_labelled_csv(world.service.settings.corpus_path)
    assert len(with_corrections(corpus, await corrections(redis))) == len(corpus) + 1
    reviews = {c.number: (c.review, c.reviewed_by) for c in await Corrections(redis).all()}
    assert reviews == {kept: (Review.ACCEPTED, "console:admin"), dropped: (Review.REJECTED, "console:admin")}
    _, html = await console.page("/console/classifier")
    assert "已驳回" in html and "已采纳" in html
    await labelled_again(world, dropped, "noise")  # a newer choice for the ticket is pending again
    assert {c["number"] for c in await corrections(redis)} == {kept, dropped}


async def labelled_again(world: World, number: str, label: str) -> None:
    assert world.service.domain is not None
    tickets = world.service.domain.tickets
    world.clock.advance(60)
    await tickets.record_label(await tickets.get(number), label, "console:xiyu")


async def test_rolling_back_switches_the_running_service_and_tells_every_process(
        world: World, console: Console) -> None:
    current = earlier_version(world)
    await console.login("admin")
    await console.page("/console/classifier")
    async with world.service.redis.pubsub() as pubsub:
        await pubsub.subscribe(keys.model_channel())
        status, location = await console.post("/console/classifier/switch", {"version": OLD})
        assert status == 303 and "/console/classifier" in location
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
        while message is None:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
        assert message["data"] == OLD
    assert world.service.models.metadata.version == OLD
    models = Path(world.service.settings.data_dir) / "models"
    assert (models / "CURRENT").read_text().strip() == OLD
    async with console.http.get(console.base + "/healthz") as response:
        assert (await response.json())["model"] == OLD
    _, location = await console.post("/console/classifier/switch", {"version": "../../etc"})
    assert "%E6%97%A0%E6%B3%95" in location or "无法" in location  # not a version: refused
    assert (await console.post("/console/classifier/switch", {"version": current}))[0] == 303
    assert world.service.models.metadata.version == current


@pytest.mark.slow
async def test_a_retraining_started_in_the_browser_reports_progress_and_its_verdict(
        world: World, console: Console) -> None:
    before = world.service.models.metadata.version
    await labelled(world, "垃圾桶满了没人清", "sanitation")
    await console.login("admin")
    await console.page("/console/classifier")
    assert (await console.post("/console/classifier/retrain", {}))[0] == 303
    seen: list[int] = []
    for _ in range(240):
        async with console.http.get(console.base + "/console/api/classifier/retrain") as response:
            status = await response.json()
        seen.append(status["percent"])
        if status["state"] != "running":
            break
        await asyncio.sleep(0.5)
    assert status["state"] == "done" and status["percent"] == 100, status
    result = status["result"]
    assert result["corrections"] == 1 and result["old_version"] == before
    if result["switched"]:  # the gate decides: held-out macro-F1 not lower than the model in use's
        assert "已上线" in status["message"] and world.service.models.metadata.version == result["new_version"]
    else:
        assert "未切换" in status["message"] and world.service.models.metadata.version == before
        worse_natures = result["old_nature_f1"] is not None and (result["new_nature_f1"] or 0) < result["old_nature_f1"]
        assert result["new_macro_f1"] < result["old_macro_f1"] or worse_natures, result
    assert seen == sorted(seen)
