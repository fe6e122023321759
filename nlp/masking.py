"""Personal numbers hidden in a text before it is published: mainland mobile numbers and resident ID
numbers (居民身份证号) keep only their first and last digits.

A text a resident wrote may carry their phone or ID number ("联系我13812345678"); whatever publishes
such a text to other systems (Open311, exports) passes it through :func:`mask_personal_numbers`.
"""

from __future__ import annotations

import re

# An 18-character ID: 17 digits and a digit or X (the checksum), not inside a longer run of digits.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{4})\d{10}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
# A mobile: 1[3-9] and 9 more digits, optionally +86 / 86 before it and a space or dash after the 3rd and
# 7th digits (138-1234-5678), not inside a longer run of digits.
_MOBILE = re.compile(r"(?<![0-9])((?:\+?86[ -]?)?1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?![0-9])")


def mask_personal_numbers(text: str) -> str:
    """``text`` with each ID number as ``4401**********123X`` and each mobile as ``138****5678``."""
    text = _ID_NUMBER.sub(lambda m: m.group(1) + "*" * 10 + m.group(2), text)
    return _MOBILE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
