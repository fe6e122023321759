"""No resident's number reaches a log line: the masking filter that `gridbot serve` installs at start-up
masks every record's message, arguments, exception and stack, on every logger (the project's and the
libraries'), without dropping a record."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Coroutine
from typing import Any

import pytest

from bot.app.config import Settings
from bot.app.log_masking import MaskingFilter
from bot.cli import serve

WORDS = "楼道里燃气味很重，电话13812345678，身份证441900199001011231"


@pytest.fixture
def started(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, tmp_path) -> pytest.LogCaptureFixture:
    """`gridbot serve`'s start-up path, up to the point where it would start serving."""
    def not_serving(coroutine: Coroutine[Any, Any, int]) -> int:
        coroutine.close()
        return 0

    monkeypatch.setattr(serve.asyncio, "run", not_serving)
    monkeypatch.setenv("GRIDBOT_DATA_DIR", str(tmp_path))
    assert serve.run_serve(argparse.Namespace(), Settings()) == 0
    caplog.set_level(logging.INFO)
    return caplog


def test_a_record_with_a_phone_is_masked(started: pytest.LogCaptureFixture) -> None:
    logging.getLogger("bot.channels.delivery").warning("could not deliver %s: %s", "T20261124-0007", WORDS)
    logging.getLogger("gridbot").info(WORDS)
    logging.getLogger("aiogram.dispatcher").error("update text=%r", WORDS)
    messages = [r.getMessage() for r in started.records]
    assert len(messages) == 3 and all("138****5678" in m and "441**************1" in m for m in messages)
    assert "T20261124-0007" in messages[0]
    assert "13812345678" not in started.text and "441900199001011231" not in started.text


def test_an_exception_carrying_the_words_is_masked(started: pytest.LogCaptureFixture) -> None:
    try:
        raise ValueError(f"cannot route {WORDS}")
    except ValueError:
        logging.getLogger("bot.tickets.scheduler").exception("step failed")
    assert "ValueError: cannot route" in started.text and "138****5678" in started.text
    assert "13812345678" not in started.text


def test_the_filter_is_on_every_handler_and_masks_once(started: pytest.LogCaptureFixture) -> None:
    handlers = [*logging.getLogger().handlers, logging.lastResort]
    assert started.handler in handlers
    assert all(sum(isinstance(f, MaskingFilter) for f in h.filters) == 1 for h in handlers if h is not None)
    record = logging.LogRecord("bot", logging.INFO, __file__, 1, "a %s b %d", (WORDS, 5), None)
    assert MaskingFilter().filter(record) and MaskingFilter().filter(record)
    assert record.getMessage() == "a 楼道里燃气味很重，电话138****5678，身份证441**************1 b 5"
    broken = logging.LogRecord("bot", logging.INFO, __file__, 1, "a %s %s", ("one",), None)
    assert MaskingFilter().filter(broken)  # a bad format is left for logging to report, not dropped
