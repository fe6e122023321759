"""Logging for a gridbot process: one line a record, and no resident's personal number in any line.

:class:`MaskingFilter` masks (nlp.masking) a record's message with its arguments, its exception text and
its stack, in place, before any handler formats it. It is installed on the handlers, not on loggers:
a logger's own filters see only the records logged on that very logger, while every record of every
logger (``gridbot``, ``bot.*``, ``handlers.*``, aiogram's, aiohttp's) passes through the handlers that
write it. :func:`configure_logging` is what ``gridbot serve`` calls at start-up; it also covers
:data:`logging.lastResort`, which writes warnings when no handler is configured (the other commands).
"""

from __future__ import annotations

import logging

from nlp.masking import mask_personal

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MASKED = "_gridbot_masked"  # set on a record once masked: a record reaching several handlers is masked once


class MaskingFilter(logging.Filter):
    """Masks the personal numbers in a record's message, exception and stack (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, _MASKED, False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: logging reports it when a handler formats the record
            return True
        record.msg, record.args = mask_personal(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal(record.stack_info)
        setattr(record, _MASKED, True)
        return True


def install_masking(root: logging.Logger | None = None) -> None:
    """Put a :class:`MaskingFilter` on every handler of ``root`` (the root logger) and on the last-resort
    handler, once each."""
    handlers = [*(root or logging.getLogger()).handlers, logging.lastResort]
    for handler in handlers:
        if handler is not None and not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())


def configure_logging() -> None:
    """The logging of ``gridbot serve``: INFO lines to stderr, aiogram's per-update lines left out, every
    line masked."""
    logging.basicConfig(level=logging.INFO, format=FORMAT)
    # aiogram logs a line per handled update at INFO: noise at hundreds of updates a second.
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    install_masking()
