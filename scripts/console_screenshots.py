"""Screenshots of the dispatch console for the README (docs/console-*.png), on a month of seeded work.

Starts a gridbot service in this process (embedded Redis in a temporary data dir, the demo map, the
default model), opens about 160 tickets over 30 days from hand-written corpus messages headed by
addresses of the demo grids, walks most of them through accept, resolve and a rating (a few left
overdue or returned), adds an admin account, and photographs the console's pages in Debian's Chromium
at a laptop's size (1440×900) and a wall screen's (1920×1080).

Run: .venv/bin/python scripts/console_screenshots.py [--out docs]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.async_api import async_playwright  # noqa: E402

from bot.accounts.scope import Role, Scope  # noqa: E402
from bot.accounts.store import Accounts  # noqa: E402
from bot.app.config import Settings  # noqa: E402
from bot.app.service import Service  # noqa: E402
from bot.infra.clock import ManualClock  # noqa: E402
from bot.tickets.service import NewRequest  # noqa: E402

PASSWORD = "console-screenshots"
DAY = 24 * 3600
PAGES = {"board": "/console", "map": "/console/map", "stats": "/console/stats", "classifier": "/console/classifier",
         "grids": "/console/grids"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def corpus(count: int) -> list[str]:
    with open(ROOT / "training_data" / "requests.csv", encoding="utf-8") as src:
        rows = [row["text"] for row in csv.DictReader(src) if 12 <= len(row["text"]) <= 60]
    random.Random(7).shuffle(rows)
    return rows[:count]


async def seed(service: Service, clock: ManualClock, count: int) -> str:
    """A month of tickets in every state; returns one ticket number to photograph."""
    domain, models = service.domain, service.models
    assert domain is not None and models is not None
    grid_map = await domain.grids.current()
    assert grid_map is not None
    workers = {}
    for grid in grid_map.grids:
        workers[grid.grid_id] = f"telegram:{9000 + len(workers)}"
        await domain.people.add_worker(workers[grid.grid_id], grid.grid_id, f"网格员{len(workers)}")
    rng = random.Random(11)
    shown = ""
    for n, text in enumerate(corpus(count)):
        grid = rng.choice(grid_map.grids[:8] if rng.random() < 0.7 else grid_map.grids)
        address = next((a for a in grid.aliases if a.endswith("号")), grid.aliases[0])
        words = f"{address}，{text}"
        prediction = models.classify(words)
        clock.advance(30 * DAY / count * rng.uniform(0.5, 1.5))
        opened = await domain.tickets.open(NewRequest(f"web:seed{n}", words, prediction.category,
                                                      prediction.confidence, prediction.urgent,
                                                      grid_map.locate_text(words)))
        ticket = opened.ticket
        if ticket.worker is None and ticket.status.value != "assigned":
            continue
        roll, worker = rng.random(), workers.get(ticket.grid_id or "", "")
        if roll < 0.8 and worker:
            await domain.tickets.accept(ticket.number, worker)
            if roll < 0.65:
                await domain.tickets.resolve(ticket.number, worker, "已到现场处理完毕，居民确认。")
                await domain.tickets.rate(ticket.number, ticket.resident, rng.choice([5, 5, 4, 4, 3, 2]))
            else:
                shown = ticket.number
    return shown


async def photograph(port: int, out: Path, number: str) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Debian's chromium is missing (make test installs it)"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for label, size in (("laptop", (1440, 900)), ("wall", (1920, 1080))):
            page = await browser.new_page(viewport={"width": size[0], "height": size[1]}, locale="zh-CN")
            await page.goto(f"http://127.0.0.1:{port}/console/login")
            await page.fill("input[name=username]", "admin")
            await page.fill("input[name=password]", PASSWORD)
            await page.click("button[type=submit]")
            await page.wait_for_url(f"http://127.0.0.1:{port}/console")
            shots = dict(PAGES, ticket=f"/console/tickets/{number}") if number else PAGES
            for name, path in shots.items():
                if label == "wall" and name not in ("board", "map", "stats"):
                    continue
                response = await page.goto(f"http://127.0.0.1:{port}{path}")
                if response is None or response.status != 200:
                    print(f"skipping {path}: {response.status if response else 'no answer'}", file=sys.stderr)
                    continue
                await page.wait_for_timeout(300)
                await page.screenshot(path=str(out / f"console-{name}-{label}.png"), full_page=label == "laptop")
            await page.close()
        await browser.close()


async def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        clock = ManualClock(time.time() - 30 * DAY)
        settings = Settings(_env_file=None, data_dir=Path(tmp) / "var", http_port=0)
        service = Service(settings, clock=clock)
        await service.start()
        try:
            assert service.redis is not None and service.http_port is not None
            number = await seed(service, clock, 160)
            clock.advance(max(0.0, time.time() - clock.now()))
            await Accounts(service.redis).add("admin", Scope(Role.ADMIN), PASSWORD)
            await photograph(service.http_port, out, number)
        finally:
            await service.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    asyncio.run(main(parser.parse_args().out))
