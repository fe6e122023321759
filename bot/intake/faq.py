"""The intake's side of the FAQ answers: a question the knowledge base answers is answered, not opened.

Kept apart from :mod:`bot.intake.conversation`, which only calls in here: whether to answer (a question
without a photo, not urgent, matched well), the answer kept for the resident's choice, and that answer
shown again on a reloaded page.
"""

from __future__ import annotations

from nlp.classifier import Prediction

from bot.faq.answers import Answers, PendingAnswer
from bot.intake.replies import IntakeReply, ReplyKind


async def answer_question(answers: Answers, resident: str, text: str, prediction: Prediction,
                          request_id: str, photo: str | None) -> IntakeReply | None:
    """The knowledge base's answer to ``text``, kept until the resident chooses (None: it is a request)."""
    if photo is not None or prediction.urgent:
        return None
    match = await answers.find(text, prediction.nature)
    if match is None:
        return None
    await answers.hold(resident, PendingAnswer(text, match.entry.id, match.score, request_id))
    return IntakeReply(ReplyKind.FAQ_ANSWER, faq=match.entry)


async def waiting_answer(answers: Answers, resident: str) -> IntakeReply | None:
    """The answer that waits for the resident's choice, as it was given (None: none waits)."""
    pending = await answers.peek(resident)
    entry = await answers.store.get(pending.entry_id) if pending is not None else None
    return IntakeReply(ReplyKind.FAQ_ANSWER, faq=entry) if entry is not None else None
