"""`gridbot tickets show` masks a resident's personal numbers; `--reveal` prints the record whole and
leaves an audit entry (``cli:$USER``, ``revealed``) that the console's timeline shows; `--json` follows
the same rule; `tickets list` masks."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tests.conftest import run_gridbot_inline
from tests.data_dir import Request, data_dir_domain, open_tickets

WORDS = "西正路8号的路灯坏了，我电话13812345678，身份证441900199001011231"
MASKED = "西正路8号的路灯坏了，我电话138****5678，身份证441**************1"


@pytest.fixture
def opened(tmp_path: Path) -> tuple[Path, str]:
    data_dir = tmp_path / "var"
    [number] = open_tickets(data_dir, Request("GC-XY-01", WORDS))
    return data_dir, number


def show(data_dir: Path, monkeypatch: pytest.MonkeyPatch, *options: str):
    result = run_gridbot_inline(["tickets", "show", *options], data_dir, monkeypatch)
    assert result.status == 0, result.err
    return result.out


def trail(data_dir: Path, number: str) -> list:
    async def read() -> list:
        async with data_dir_domain(data_dir) as domain:
            return await domain.store.audit(number)
    return asyncio.run(read())


def test_show_masks_and_leaves_no_trace(opened: tuple[Path, str], monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir, number = opened
    out = show(data_dir, monkeypatch, number)
    assert f"text: {MASKED}" in out and "13812345678" not in out and "441900199001011231" not in out
    shown = json.loads(show(data_dir, monkeypatch, number, "--json"))
    assert shown["text"] == MASKED
    listed = run_gridbot_inline(["tickets", "list", "--json"], data_dir, monkeypatch)
    assert [t["text"] for t in json.loads(listed.out)] == [MASKED]
    assert "138****5678" in run_gridbot_inline(["tickets", "list"], data_dir, monkeypatch).out
    assert [e.action for e in trail(data_dir, number)] == ["open"]


def test_reveal_prints_the_record_whole_and_is_audited(opened: tuple[Path, str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir, number = opened
    monkeypatch.setenv("USER", "wang")
    out = show(data_dir, monkeypatch, number, "--reveal")
    assert f"text: {WORDS}" in out and "cli:wang" in out and "revealed" in out
    shown = json.loads(show(data_dir, monkeypatch, number, "--reveal", "--json"))
    assert shown["text"] == WORDS and [e["action"] for e in shown["audit"]] == ["open", "revealed", "revealed"]
    entries = trail(data_dir, number)
    assert [(e.actor, e.action, e.from_status, e.to_status) for e in entries[1:]] == [
        ("cli:wang", "revealed", "pending", "pending")] * 2
    # a reading changes nothing else: the plain view is masked again, and its trail lists the readings
    assert f"text: {MASKED}" in show(data_dir, monkeypatch, number)


async def test_the_console_timeline_names_the_reader() -> None:
    from bot.tickets.record import AuditEntry
    from bot.tickets.timeline import ActorKind, Step, actor
    from bot.texts import timeline as timeline_texts

    who = await actor(None, "cli:wang")  # type: ignore[arg-type]  # a cli actor needs no directory
    step = Step(AuditEntry(0.0, "cli:wang", "revealed", "pending", "pending"), who)
    assert who.kind is ActorKind.ADMIN and timeline_texts.who(step) == "管理员 wang"
    assert timeline_texts.what(step) == "查看原文"
