"""Masking personal numbers in residents' text before it leaves the system (exports, reports).

Mainland mobile numbers keep their first three and last four digits (138****5678, as Chinese
services print them); landlines keep the area code and last two digits; resident ID numbers (身份证,
18 digits or 15 of the old form) keep the first three and the last one. Full-width digits and the
usual separators (spaces, hyphens) inside a number are recognised; digits that run on into a longer
number are left alone, so a ticket number or an amount is not taken for a phone.
"""

from __future__ import annotations

import re

_D = "[0-9０-９]"
_SEP = r"[\s\-－]?"
_ID_RE = re.compile(rf"(?<![0-9０-９])({_D}{{3}})({_D}{{14}}|{_D}{{11}})([0-9０-９Xx×Ｘｘ])(?![0-9０-９])")
_MOBILE_RE = re.compile(rf"(?<![0-9０-９])((?:\+?86{_SEP})?[1１][3-9３-９]{_D})({_SEP}{_D}{{4}}{_SEP})({_D}{{4}})(?![0-9０-９])")
_LANDLINE_RE = re.compile(rf"(?<![0-9０-９])(0{_D}{{2,3}}{_SEP})({_D}{{5,6}})({_D}{{2}})(?![0-9０-９])")


def _stars(text: str) -> str:
    return re.sub(r"[^\s\-－]", "*", text)


def mask_personal(text: str) -> str:
    """``text`` with the ID and phone numbers in it masked (see the module's docstring)."""
    text = _ID_RE.sub(lambda m: m[1] + "*" * len(m[2]) + m[3], text)
    text = _MOBILE_RE.sub(lambda m: m[1] + _stars(m[2]) + m[3], text)
    return _LANDLINE_RE.sub(lambda m: m[1] + "*" * len(m[2]) + m[3], text)
