"""What a run of digits is, read by its digits alone: a mainland mobile, a landline, a resident ID number
(身份证, 18 digits with a valid GB 11643 check digit, or the old 15-digit form with a valid birth date) or
a bank card (16–19 digits passing the Luhn check) — and how much of it may be shown.

The context around the digits (labels such as 订单号 or 卡号, a currency sign) is read by
:mod:`nlp.masking`; this module only checks digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"  # the check character for each remainder mod 11
# The province (and Hong Kong, Macao, Taiwan) codes a resident ID number starts with.
PROVINCES = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
                       50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91})
MOBILE_PREFIXES = ("", "86", "0086")  # with or without the country code
# Area codes of three digits (010 Beijing, 02X the large cities); every other one has four.
MIN_DIGITS, MAX_DIGITS = 7, 19  # the shortest (a landline without area code) and longest (a card)
SHORT_AREA_CODES = frozenset({"010", "020", "021", "022", "023", "024", "025", "026", "027", "028", "029"})


class NumberKind(StrEnum):
    """The personal numbers that are masked."""

    MOBILE = "mobile"
    LANDLINE = "landline"
    LOCAL = "local"  # a landline without its area code (recognised only after a phone label)
    ID = "id"
    CARD = "card"


@dataclass(frozen=True)
class Shown:
    """A personal number and how many of its characters stay readable at each end."""

    kind: NumberKind
    head: int
    tail: int


def id_check_ok(chars: str) -> bool:
    """True when the 18th character of ``chars`` (digits, ``X`` last) is its GB 11643 check character."""
    total = sum(int(c) * w for c, w in zip(chars[:17], ID_WEIGHTS))
    return ID_CHECK[total % 11] == chars[17]


def luhn_ok(digits: str) -> bool:
    """The Luhn check every bank card number passes."""
    total = 0
    for i, c in enumerate(reversed(digits)):
        n = int(c) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def id_shaped(chars: str) -> bool:
    """An ID number's shape: a province code and a valid birth date (its check digit not looked at)."""
    if len(chars) == 18 and chars[:17].isdigit() and (chars[17].isdigit() or chars[17] == "X"):
        birth = (int(chars[6:10]), int(chars[10:12]), int(chars[12:14]))
        return 1900 <= birth[0] <= 2099 and int(chars[:2]) in PROVINCES and _valid_date(*birth)
    if len(chars) == 15 and chars.isdigit():
        return int(chars[:2]) in PROVINCES and _valid_date(1900 + int(chars[6:8]), int(chars[8:10]), int(chars[10:12]))
    return False


def _phone(digits: str) -> Shown | None:
    for prefix in MOBILE_PREFIXES:
        rest = digits[len(prefix):]
        if digits.startswith(prefix) and len(rest) == 11 and rest[0] == "1" and rest[1] in "3456789":
            return Shown(NumberKind.MOBILE, len(prefix) + 3, 4)
    area = 3 if digits[:3] in SHORT_AREA_CODES else 4
    local = digits[area:]
    if digits.startswith("0") and digits[1] != "0" and len(local) in (7, 8) and local[0] in "23456789":
        return Shown(NumberKind.LANDLINE, area, 2)
    return None


def classify(chars: str) -> Shown | None:
    """What ``chars`` (ASCII digits, an ID number's ``X`` last) is, or None for no personal number."""
    if chars.endswith("X"):
        return Shown(NumberKind.ID, 3, 1) if id_shaped(chars) and id_check_ok(chars) else None
    if len(chars) == 18 and id_shaped(chars) and id_check_ok(chars):
        return Shown(NumberKind.ID, 3, 1)
    if len(chars) == 15 and id_shaped(chars):
        return Shown(NumberKind.ID, 3, 1)
    if (phone := _phone(chars)) is not None:
        return phone
    if 16 <= len(chars) <= 19 and luhn_ok(chars):
        return Shown(NumberKind.CARD, 4, 4)
    return None


def labelled(chars: str, label: NumberKind) -> Shown | None:
    """What ``chars`` is after a label naming it (身份证号, 卡号, 电话): a mistyped ID number or a card
    failing the Luhn check is still masked, and so is a landline without its area code."""
    if label is NumberKind.ID and id_shaped(chars):
        return Shown(NumberKind.ID, 3, 1)
    if label is NumberKind.CARD and chars.isdigit() and 12 <= len(chars) <= 19:
        return Shown(NumberKind.CARD, 4, 4)
    if label is NumberKind.LOCAL and chars.isdigit() and len(chars) in (7, 8) and chars[0] in "23456789":
        return Shown(NumberKind.LOCAL, 0, 2)
    return classify(chars)
