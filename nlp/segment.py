"""Word segmentation with jieba's dictionary plus gridbot's domain words.

Two engines segment with the same dictionary and algorithm: ``jieba`` (the reference, pure Python) and
``rjieba`` (jieba-rs, the Rust port, ~30× faster). BENCHMARKS.md records how often they agree on the
shipped corpus; ``rjieba`` is the default engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

Engine = Literal["rjieba", "jieba"]
ENGINES: tuple[Engine, ...] = ("rjieba", "jieba")


def read_userdict(path: Path) -> list[tuple[str, int | None]]:
    """Read a jieba user dictionary (``word [freq] [tag]`` per line) into (word, freq) pairs."""
    entries: list[tuple[str, int | None]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        entries.append((parts[0], freq))
    return entries


class Segmenter:
    """Cuts normalised text into words; picklable (the engine is rebuilt from its words on load)."""

    def __init__(self, engine: Engine = "rjieba", words: Iterable[tuple[str, int | None]] = ()) -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown segmentation engine {engine!r}; use one of {ENGINES}")
        self.engine = engine
        self.words: dict[str, int | None] = {}
        self._impl: Any = self._build_engine()
        self.add_words(words)

    def _build_engine(self) -> Any:
        if self.engine == "rjieba":
            import rjieba

            return rjieba.Jieba()
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        return tokenizer

    def add_words(self, words: Iterable[tuple[str, int | None]]) -> None:
        """Add domain words (e.g. the grid map's place names) so they stay one token."""
        for word, freq in words:
            word = word.strip()
            if not word or word in self.words:
                continue
            self.words[word] = freq
            if self.engine == "rjieba":
                self._impl.add_word(word, freq, None)
            else:
                self._impl.add_word(word, freq)

    def cut(self, text: str) -> list[str]:
        """Segment ``text`` (already normalised) into words, HMM on for unknown words."""
        if self.engine == "rjieba":
            return self._impl.cut(text, True)
        return self._impl.lcut(text, HMM=True)

    def cut_many(self, texts: Sequence[str]) -> list[list[str]]:
        """Segment many normalised texts; the same words as :meth:`cut` on each.

        rjieba gets them in one call, joined by newlines: segmentation never crosses a newline (it splits
        the text into blocks at every character outside words first) and a normalised text holds none,
        so one call costs the Rust work alone instead of a conversion per message."""
        if self.engine != "rjieba" or len(texts) < 2 or any("\n" in text for text in texts):
            return [self.cut(text) for text in texts]
        tokens = self._impl.cut("\n".join(texts), True)
        docs, start = [], 0
        for _ in range(len(texts) - 1):
            end = tokens.index("\n", start)
            docs.append(tokens[start:end])
            start = end + 1
        docs.append(tokens[start:])
        return docs

    def __getstate__(self) -> dict[str, Any]:
        return {"engine": self.engine, "words": list(self.words.items())}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["engine"], state["words"])  # type: ignore[misc]
