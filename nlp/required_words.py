"""The words a regex's every match must hold, worked out from the parsed pattern.

``着火|(煤气|燃气)[^，。]{0,4}(泄漏|漏了)`` cannot match a text that holds neither 着火 nor both one of 煤气/燃气 and
one of 泄漏/漏了. :func:`alternatives` gives, for each top-level alternative of a pattern, the sets of strings it
needs (one string of every set); a text none of whose alternatives has all its sets cannot match, and the
pattern need not be tried (:class:`nlp.quick_regex.Prefiltered`). The sets are a necessary condition only:
lookarounds, classes too wide to spell out and open repeats are skipped, never guessed.
"""

from __future__ import annotations

from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parser  # type: ignore[attr-defined]
from typing import Any

Words = frozenset[str]
EXACT_MOST = 300  # strings an exact stretch (煤气|燃气)(泄漏|漏了) may spell out before it is cut
CLASS_MOST = 24  # characters of a class spelled out ([砸掉塌] yes, [^，。] never)
REPEAT_MOST = 3  # a repeat up to this many times is spelled out ((了|啦)?)
SET_MOST = 5000  # strings a required set may hold (an alternation of many words)
SETS_KEPT = 2  # sets kept per alternative: the two most telling are nearly as good as all, and cheaper
_ZERO_WIDTH = (sre_constants.ASSERT, sre_constants.ASSERT_NOT, sre_constants.AT)
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, getattr(sre_constants, "POSSESSIVE_REPEAT", None))


def alternatives(pattern: str, flags: int = 0) -> list[list[Words]] | None:
    """For each top-level alternative of ``pattern``, the sets of strings a match of it holds one of each;
    None when some alternative needs nothing that can be told (or the pattern ignores case)."""
    return parsed_alternatives(sre_parser.parse(pattern, flags))


def parsed_alternatives(parsed: Any) -> list[list[Words]] | None:
    """:func:`alternatives` of a pattern already parsed (``re._parser.parse``)."""
    if parsed.state.flags & sre_constants.SRE_FLAG_IGNORECASE:
        return None
    return _alternatives(list(parsed))


def _alternatives(items: list[Any]) -> list[list[Words]] | None:
    consuming = [(op, av) for op, av in items if op not in _ZERO_WIDTH]
    if len(consuming) == 1:
        op, av = consuming[0]
        if op is sre_constants.BRANCH:
            found: list[list[Words]] = []
            for alternative in av[1]:
                needs = _alternatives(list(alternative))
                if needs is None:
                    return None
                found += needs
            return found
        if op is sre_constants.SUBPATTERN and not av[1] and not av[2]:
            return _alternatives(list(av[3]))
    sets = _conjunction(items)
    return [_most_telling(sets)] if sets else None


def _most_telling(sets: list[Words]) -> list[Words]:
    """The :data:`SETS_KEPT` sets of longest shortest string (then fewest strings)."""
    return sorted(set(sets), key=lambda s: (-min(map(len, s)), len(s), sorted(s)))[:SETS_KEPT]


def _conjunction(items: list[Any]) -> list[Words]:
    """Sets of strings a match of the sequence ``items`` holds one of each."""
    sets: list[Words] = []
    run: set[str] = {""}  # what the exact stretch so far can spell
    for op, av in items:
        exact = _exact_item(op, av)
        if exact is not None:
            joined = {a + b for a in run for b in exact}
            if len(joined) <= EXACT_MOST:
                run = joined
                continue
            _add(sets, run)
            run = exact
            continue
        _add(sets, run)
        run = {""}
        _add(sets, _required_item(op, av))
    _add(sets, run)
    return sets


def _add(sets: list[Words], found: set[str] | Words | None) -> None:
    if found is not None and "" not in found and len(found) <= SET_MOST:
        sets.append(frozenset(found))


def _required(items: list[Any]) -> Words | None:
    """One set of strings a match of ``items`` holds one of (the most telling), or None."""
    sets = _conjunction(items)
    return _most_telling(sets)[0] if sets else None


def _required_item(op: Any, av: Any) -> Words | None:
    if op is sre_constants.SUBPATTERN:
        return None if av[1] or av[2] else _required(list(av[3]))
    if op is sre_constants.BRANCH:
        union: set[str] = set()
        for alternative in av[1]:
            needed = _required(list(alternative))
            if needed is None:
                return None
            union |= needed
        return frozenset(union) if len(union) <= SET_MOST else None
    if op in _REPEATS and av[0] >= 1:
        return _required(list(av[2]))
    return None


def _exact(items: Any) -> set[str] | None:
    """Every string the sequence ``items`` can match (lookarounds ignored: a superset), or None."""
    spelled = {""}
    for op, av in items:
        exact = _exact_item(op, av)
        if exact is None:
            return None
        spelled = {a + b for a in spelled for b in exact}
        if len(spelled) > EXACT_MOST:
            return None
    return spelled


def _exact_item(op: Any, av: Any) -> set[str] | None:
    if op is sre_constants.LITERAL:
        return {chr(av)}
    if op is sre_constants.IN:
        chars = class_chars(av, CLASS_MOST)
        return chars if chars is not None and len(chars) <= CLASS_MOST else None
    if op is sre_constants.SUBPATTERN:
        return None if av[1] or av[2] else _exact(av[3])
    if op is sre_constants.BRANCH:
        union: set[str] = set()
        for alternative in av[1]:
            exact = _exact(alternative)
            if exact is None:
                return None
            union |= exact
        return union if len(union) <= EXACT_MOST else None
    if op in _REPEATS:
        return _repeated(*av)
    if op in _ZERO_WIDTH:
        return {""}
    return None


def _repeated(least: int, most: int, item: Any) -> set[str] | None:
    exact = _exact(item) if most <= REPEAT_MOST else None
    if exact is None:
        return None
    spelled: set[str] = set()
    times = {""}
    for count in range(most + 1):
        if count >= least:
            spelled |= times
        times = {a + b for a in times for b in exact}
        if len(spelled) > EXACT_MOST or len(times) > EXACT_MOST:
            return None
    return spelled


def class_chars(members: Any, widest_range: int) -> set[str] | None:
    """The characters of a parsed class (``IN``'s members); None for a negated class, ``\\d`` and the like,
    or a range wider than ``widest_range``."""
    chars: set[str] = set()
    for op, av in members:
        if op is sre_constants.LITERAL:
            chars.add(chr(av))
        elif op is sre_constants.RANGE and av[1] - av[0] < widest_range:
            chars.update(chr(code) for code in range(av[0], av[1] + 1))
        else:
            return None
    return chars
