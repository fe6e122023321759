"""Word-list regexes that skip, at C speed, every position where none of their words can start.

Python's ``re`` tries each alternative of ``a|b|c…`` at every position of the text unless the pattern
starts with a literal or a character class. A long list of danger words starting with groups such as
``(煤气|燃气)…`` gets neither, and costs several microseconds a message. Prefixing the pattern with a
lookahead over the characters its words can start with (worked out from the parsed pattern) gives the
same matches about four times faster.
"""

from __future__ import annotations

import re
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parser  # type: ignore[attr-defined]
from typing import Any

_WIDEST_RANGE = 256  # a character range wider than this is not spelled out (the pattern stays as it is)


def first_chars(items: Any) -> set[str] | None:
    """The characters a match of the parsed pattern ``items`` can start with; None when not known
    (a pattern that can match the empty string, or starts with ``.``, ``\\d`` and the like)."""
    for op, av in items:
        if op is sre_constants.LITERAL:
            return {chr(av)}
        if op is sre_constants.SUBPATTERN:
            return first_chars(av[-1])
        if op is sre_constants.BRANCH:
            found: set[str] = set()
            for alternative in av[1]:
                chars = first_chars(alternative)
                if chars is None:
                    return None
                found |= chars
            return found
        if op is sre_constants.IN:
            return _class_chars(av)
        if op is sre_constants.ASSERT and av[0] == 1:  # a lookahead (as quick() adds) bounds the first one
            return first_chars(av[1])
        return None
    return None


def _class_chars(members: Any) -> set[str] | None:
    found: set[str] = set()
    for op, av in members:
        if op is sre_constants.LITERAL:
            found.add(chr(av))
        elif op is sre_constants.RANGE and av[1] - av[0] < _WIDEST_RANGE:
            found.update(chr(code) for code in range(av[0], av[1] + 1))
        else:
            return None
    return found


def quick(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern)``, with a lookahead on its possible first characters when they are known."""
    chars = first_chars(sre_parser.parse(pattern, flags))
    if not chars:
        return re.compile(pattern, flags)
    head = "".join(re.escape(ch) for ch in sorted(chars))
    return re.compile(f"(?=[{head}])(?:{pattern})", flags)
