"""What the web page is told of a knowledge-base answer: the answer and its two choices as data."""

from __future__ import annotations

from typing import Any

from bot.faq.answers import FaqChoice
from bot.intake.replies import IntakeReply, ReplyKind
from bot.texts import faq as faq_texts


def faq_fields(reply: IntakeReply) -> dict[str, Any]:
    """The reply's JSON fields (bot/channels/web/chat.py ``reply_json``) for the FAQ kinds, else none."""
    if reply.kind is ReplyKind.FAQ_ANSWER and reply.faq is not None:
        return {"answer": faq_texts.answer(reply.faq),
                "choices": [{"choice": FaqChoice.SOLVED, "name": faq_texts.SOLVED},
                            {"choice": FaqChoice.HUMAN, "name": faq_texts.TO_HUMAN}]}
    if reply.kind is ReplyKind.FAQ_SOLVED:
        return {"answer": faq_texts.solved()}
    return {}


def choice_label(choice: FaqChoice) -> str:
    """The button's words, as the conversation keeps what the resident pressed."""
    return faq_texts.SOLVED if choice is FaqChoice.SOLVED else faq_texts.TO_HUMAN
