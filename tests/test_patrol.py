"""Patrols: /patrol with a Telegram live location becomes a thinned track; the worker hears the summary;
per grid and day who patrolled, how long and how much of it; tracks expire."""

from __future__ import annotations

from datetime import datetime

from shapely.geometry import box

from bot.infra import keys
from bot.infra.clock import LOCAL_TIME
from bot.patrol.coverage import coverage, seconds_in
from bot.patrol.daily import grid_days
from bot.patrol.patrols import KEEP_SECONDS, Patrols
from bot.patrol.track import TrackPoint, worth_keeping
from tests.telegram_harness import World

# GC-XY-01 of the demo map is the box lon 113.74–113.7475, lat 23.03–23.04.
WEST, EAST, MIDDLE = 113.7405, 113.7470, 23.035


def test_a_point_is_kept_when_it_moved_20_metres_or_a_minute_passed() -> None:
    start = TrackPoint(23.035, 113.741, 1000.0)
    assert worth_keeping(None, start)
    assert not worth_keeping(start, TrackPoint(23.03505, 113.741, 1010.0))  # 5 m, 10 s
    assert worth_keeping(start, TrackPoint(23.0353, 113.741, 1010.0))  # 33 m
    assert worth_keeping(start, TrackPoint(23.035, 113.741, 1060.0))  # standing, a minute later
    assert not worth_keeping(start, TrackPoint(23.036, 113.741, 900.0))  # an older position, late


def test_coverage_of_a_square_grid_is_the_share_within_50_metres_of_the_track() -> None:
    # a square about 1 km a side; a straight walk through its middle covers a 100 m band: about 10 %
    square = box(113.70, 23.00, 113.70 + 1000 / 102_400, 23.00 + 1000 / 111_195)
    lat = 23.00 + 500 / 111_195
    walk = [TrackPoint(lat, 113.70 + i * 100 / 102_400, 60.0 * i) for i in range(11)]
    assert 0.095 < coverage(square, [walk]) < 0.115
    assert coverage(square, [walk, walk]) == coverage(square, [walk])  # walked twice: no more ground
    assert coverage(square, []) == 0.0
    assert seconds_in(square, walk) == 600.0
    outside = [TrackPoint(lat + 0.05, p.lon, p.at) for p in walk]
    assert coverage(square, [outside]) == 0.0 and seconds_in(square, outside) == 0.0


async def test_a_patrol_with_a_live_location_is_recorded_and_summarised(world: World) -> None:
    worker, clock = world.worker, world.clock
    await world.says(worker, "/patrol")
    await world.sees(worker, "巡查已开始", "共享实时位置")
    message_id = await world.server.send_live_location(worker, MIDDLE, WEST, at=clock.now())
    steps = 14
    for i in range(1, steps + 1):  # a walk west → east through the grid, a point every 30 s
        clock.advance(30)
        lon = WEST + (EAST - WEST) * i / steps
        await world.server.move_live_location(worker, message_id, MIDDLE, lon, at=clock.now())
        clock.advance(5)
        await world.server.move_live_location(worker, message_id, MIDDLE + 0.00002, lon, at=clock.now())  # 2 m
    await world.says(worker, "/patrol")
    summary = await world.sees(worker, "巡查结束")
    assert "西隅第一网格" in summary["text"] and "用时 8分钟" in summary["text"]  # 14 steps of 35 s
    patrols = Patrols(world.service.redis, clock)
    day = datetime.fromtimestamp(clock.now(), LOCAL_TIME).date()
    [patrol] = await patrols.of_day(day)
    track = await patrols.track(patrol.patrol_id)
    assert len(track) == steps + 1  # the start and one point per 30 s step; the 2 m wobbles dropped
    assert patrol.worker == f"telegram:{worker.id}" and patrol.ended_at is not None
    [grid] = await grid_days(patrols, (await world.service.domain.grids.current()), day)  # type: ignore[union-attr]
    assert grid.grid.grid_id == "GC-XY-01" and 0.05 < grid.coverage < 0.12
    assert [w.worker_name for w in grid.workers] == ["李网格"] and 400 < grid.seconds < 500
    for key in (keys.patrol(patrol.patrol_id), keys.patrol_points(patrol.patrol_id), keys.patrols_of_day(patrol.day)):
        assert 0 < await world.service.redis.ttl(key) <= KEEP_SECONDS


async def test_a_location_off_patrol_is_not_a_track_point_and_residents_cannot_patrol(world: World) -> None:
    await world.says(world.resident, "/patrol")
    await world.sees(world.resident, "只有网格员")
    patrols = Patrols(world.service.redis, world.clock)
    assert await patrols.active(f"telegram:{world.resident.id}") is None
    await world.server.send_location(world.worker, MIDDLE, WEST)  # no patrol running: as before
    day = datetime.fromtimestamp(world.clock.now(), LOCAL_TIME).date()
    await world.says(world.worker, "/tasks")
    await world.sees(world.worker, "")
    assert await patrols.of_day(day) == []


async def test_a_patrol_left_running_ends_itself_after_twelve_hours(world: World) -> None:
    patrols = Patrols(world.service.redis, world.clock)
    worker = f"telegram:{world.worker.id}"
    await patrols.start(worker, "李网格")
    assert await patrols.record(worker, MIDDLE, WEST)
    world.clock.advance(13 * 3600)
    day = datetime.fromtimestamp(world.clock.now() - 13 * 3600, LOCAL_TIME).date()
    [patrol] = await patrols.of_day(day)
    assert patrol.ended_at is not None and patrol.ended_at - patrol.started_at < 60
