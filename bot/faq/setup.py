"""The knowledge base of one process: seeded on first start, answered from with its own segmenter."""

from __future__ import annotations

import asyncio
import logging

from redis.asyncio import Redis

from nlp.segment import Segmenter, read_userdict

from bot.app.config import Settings
from bot.faq.answers import Answers
from bot.faq.store import FaqStore

log = logging.getLogger(__name__)


def faq_segmenter(settings: Settings) -> Segmenter:
    """A segmenter with the project's dictionary, of the FAQ index's own (not shared with the classifier's
    threads)."""
    path = settings.userdict_path
    return Segmenter("rjieba", read_userdict(path) if path.is_file() else [])


async def start_answers(redis: Redis, settings: Settings) -> Answers:
    """Seed the base from faq.yaml if it never was, and build the answering side with its index."""
    if settings.faq_path.is_file():
        seeded = await FaqStore(redis).seed(settings.faq_path)
        if seeded:
            log.info("FAQ knowledge base seeded with %d entries from %s", seeded, settings.faq_path)
    answers = Answers(redis, await asyncio.to_thread(faq_segmenter, settings))
    await answers.index()  # built now, not on a resident's time
    return answers
