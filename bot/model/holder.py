"""The classifier a process serves with, and switching it when a new model goes live anywhere.

A process that makes a model current publishes its version on a Redis channel; every process
listening loads that version from the shared models directory, so all switch together.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Sequence
from pathlib import Path

from redis.asyncio import Redis

from bot.infra import keys
from bot.infra.concurrency import Coalescer
from nlp.artifact import ModelMetadata, load_model
from nlp.classifier import Prediction, TextClassifier
from nlp.parts import Part, find_parts

# From this many messages at once, the vectorised batch path is cheaper per message than the
# one-message path (measured on the default model: 4 at once ~250 µs each, 16 ~100 µs, one ~300-400 µs).
BATCH_FROM = 4
log = logging.getLogger(__name__)


class ModelHolder:
    """Holds the current classifier and its metadata; swaps both at once."""

    def __init__(self, classifier: TextClassifier, metadata: ModelMetadata, models_dir: Path) -> None:
        self.classifier = classifier
        self.metadata = metadata
        self.models_dir = models_dir
        self._place_names: list[str] = []
        self._together: Coalescer[str, Prediction | Exception] = Coalescer(self._classify_batch)

    def classify(self, text: str) -> Prediction:
        """Classify one message now."""
        return self.classifier.classify(text)

    def parts(self, text: str, whole: Prediction) -> list[Part]:
        """The separate requests ``text`` holds (``whole``: its prediction), by :mod:`nlp.parts`: one
        part unless it clearly holds several. Only a message with a cue in it costs a classification."""
        classifier = self.classifier
        return find_parts(lambda texts: classify_few(classifier, texts), text, whole)

    async def classify_together(self, text: str) -> Prediction:
        """Classify one message with those that requests handled at the same moment are classifying.

        Under load a whole batch goes through the vectorised path at a fraction of the cost per message;
        a message alone takes the one-message path. Both give the same answers. A message that cannot be
        classified fails alone: the rest of its batch is classified one by one."""
        result = await self._together(text)
        if isinstance(result, Exception):
            raise result
        return result

    async def _classify_batch(self, texts: list[str]) -> list[Prediction | Exception]:
        classifier = self.classifier  # one model for the whole batch, even if a switch lands meanwhile
        if len(texts) >= BATCH_FROM:
            try:
                return list(classifier.classify_many(texts))
            except Exception:
                log.exception("classifying a batch of %d failed; classifying them one by one", len(texts))
        return [_classify_one(classifier, text) for text in texts]

    def add_place_names(self, names: list[str]) -> None:
        """Keep the grid map's place names whole when segmenting (survives model switches)."""
        self._place_names = names
        self.classifier.add_words([(name, None) for name in names])

    async def switch_to(self, version: str) -> None:
        """Load ``version`` from the models directory and serve with it."""
        if version == self.metadata.version:
            return
        classifier, metadata = await asyncio.to_thread(load_model, self.models_dir / version)
        classifier.add_words([(name, None) for name in self._place_names])
        self.classifier, self.metadata = classifier, metadata
        keep_out_of_gc()
        log.info("now serving model %s", version)

    async def publish(self, redis: Redis, version: str) -> None:
        """Tell every process (this one included) to switch to ``version``."""
        await redis.publish(keys.model_channel(), version)

    async def listen(self, redis: Redis, stop: asyncio.Event) -> None:
        """Follow published model switches until ``stop`` is set."""
        while not stop.is_set():
            try:
                async with redis.pubsub() as pubsub:
                    await pubsub.subscribe(keys.model_channel())
                    while not stop.is_set():
                        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                        if message and message.get("type") == "message":
                            await self.switch_to(str(message["data"]))
            except Exception:  # Redis restarting, or a bad version: log and resubscribe
                log.exception("model switch listener failed; retrying")
                await asyncio.sleep(1.0)


def classify_few(classifier: TextClassifier, texts: Sequence[str]) -> list[Prediction]:
    """A few texts by whichever path is cheaper for so many (:data:`BATCH_FROM`)."""
    if len(texts) >= BATCH_FROM:
        return classifier.classify_many(texts)
    return [classifier.classify(text) for text in texts]


def _classify_one(classifier: TextClassifier, text: str) -> Prediction | Exception:
    try:
        return classifier.classify(text)
    except Exception as err:  # handed to this message's caller only
        return err


def keep_out_of_gc() -> None:
    """Take what is loaded by now (model, dictionaries, modules) out of the garbage collector's sweeps.

    A full collection walks every tracked object: about 60 ms on this project's benchmark machine with
    the model loaded, paid by whichever update is unlucky. Frozen objects are never walked again."""
    gc.collect()
    gc.freeze()
