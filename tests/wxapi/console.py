"""Try gridbot's WeChat channels by hand: the test API server plus a console that types for a
resident (Official Account) and a worker (WeCom), printing everything gridbot sends them.

    .venv/bin/python -m tests.wxapi --gridbot http://127.0.0.1:8080 --env-file wx.env
    env $(cat wx.env | xargs) .venv/bin/gridbot serve          # in another terminal
    .venv/bin/gridbot workers add --grid GRID_ID --wecom-id zhangsan

Then type a line as the resident; ``/w TEXT`` as the worker; ``/press BUTTON`` (the worker presses a
button of their newest card that has it), ``/choose X`` (the resident picks X of the newest menu),
``/loc LAT LON`` (GCJ-02), ``/photo``, ``/click KEY``, ``/subscribe``, ``/quit``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from .accounts import Mode, OfficialAccount
from .posting import Posted
from .reading import text_of
from .server import WxAPIServer
from .simulator import OfficialAccountUser, WeComMember


async def _show_deliveries(server: WxAPIServer) -> None:
    seen_entries, seen_updates = 0, 0

    def news(entries: int, updates: int) -> bool | None:
        return True if len(server.state.mailbox.entries) > entries or len(server.card_updates) > updates else None

    while True:
        await server.state.pulse.wait_for(lambda e=seen_entries, u=seen_updates: news(e, u), None)
        for entry in server.state.mailbox.entries[seen_entries:]:
            print(f"\n→ {entry['key']} [{entry['kind']}/{entry['msgtype']}]\n{text_of(entry)}\n", flush=True)
        for update in server.card_updates[seen_updates:]:
            print(f"\n↻ card {update['task_id']} of {update['userids']} updated", flush=True)
        seen_entries, seen_updates = len(server.state.mailbox.entries), len(server.card_updates)


async def _newest_menu(server: WxAPIServer, resident: OfficialAccountUser, choice: str) -> Posted:
    menus = [e for e in server.sent(resident) if e["msgtype"] == "msgmenu"]
    if not menus:
        raise AssertionError("no menu yet")
    return await resident.choose(menus[-1], choice)


async def _press(server: WxAPIServer, worker: WeComMember, button: str) -> Posted:
    for entry in reversed(server.cards_of(worker.userid)):
        if entry["replace_name"] is None and any(button in (b.get("key"), b.get("text"))
                                                 for b in entry["card"].get("button_list") or []):
            return await worker.press(entry, button)
    raise AssertionError(f"no card with a button {button!r}")


async def _act(line: str, server: WxAPIServer, resident: OfficialAccountUser, worker: WeComMember) -> Posted | None:
    command, _, rest = line.partition(" ")
    actions = {
        "/w": lambda: worker.text(rest), "/press": lambda: _press(server, worker, rest),
        "/choose": lambda: _newest_menu(server, resident, rest), "/photo": lambda: resident.image(server.add_media()),
        "/click": lambda: resident.click(rest), "/subscribe": resident.subscribe,
        "/loc": lambda: resident.location(*map(float, rest.split()[:2])),
    }
    action = actions.get(command)
    return await (action() if action is not None else resident.text(line))


async def run(gridbot: str, env_file: Path | None, mode: Mode, userid: str) -> None:
    async with WxAPIServer(OfficialAccount.random(mode)) as server:
        env = "\n".join(f"{name}={value}" for name, value in server.env().items())
        if env_file is not None:
            env_file.write_text(env + "\n", encoding="utf-8")
        print(f"{env}\n\nresident {'(encrypted) ' if mode != 'plain' else ''}and worker {userid!r} post to "
              f"{gridbot}; type a line (/quit to stop)", flush=True)
        resident, worker = server.wechat_user(gridbot), server.wecom_member(gridbot, userid)
        shower = asyncio.create_task(_show_deliveries(server))
        loop = asyncio.get_running_loop()
        while (line := (await loop.run_in_executor(None, sys.stdin.readline)).strip()) != "/quit" and line:
            try:
                posted = await _act(line, server, resident, worker)
                if posted is not None and (posted.status != 200 or posted.reply):
                    print(f"  HTTP {posted.status} {posted.reply or posted.body[:200]}", flush=True)
            except Exception as exc:  # a typo in the console must not end it
                print(f"  ! {type(exc).__name__}: {exc}", flush=True)
        shower.cancel()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.wxapi", description=__doc__.split("\n\n")[0])
    parser.add_argument("--gridbot", default="http://127.0.0.1:8080", help="gridbot's HTTP server")
    parser.add_argument("--env-file", type=Path, help="write the GRIDBOT_* settings there too")
    parser.add_argument("--mode", choices=["plain", "compatible", "safe"], default="safe")
    parser.add_argument("--worker", default="zhangsan", help="the WeCom userid to play")
    args = parser.parse_args(argv)
    try:
        asyncio.run(run(args.gridbot, args.env_file, args.mode, args.worker))
    except KeyboardInterrupt:
        pass
