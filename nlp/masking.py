"""Masking personal numbers in residents' text before anyone but the resident and an admin sees it:
staff messages, the console, Open311, exports, logs (SPEC "What a request is" → "Personal data").

Masked: mainland mobiles (138****5678, also after +86 / 0086, with spaces or hyphens, in full-width
digits), landlines (the area code and last two digits kept; one without its area code only after a phone
label such as 电话), resident ID numbers (18 digits with a valid GB 11643 check digit, or the old 15 with
a valid birth date: the first three and the last one kept) and bank cards (16–19 digits passing the Luhn
check: the first and last four kept, as banks print them). :mod:`nlp.personal_numbers` tells them apart.

The context decides the rest:
- a number right after a label naming something that is not personal (订单号, 快递单号, 工单号, 编号,
  流水号, 发票号, 户号, …) is left alone, whatever its digits look like;
- an amount is left alone: after ¥ ￥ $ RMB 人民币 金额 价格, or before 元 块 万 亿 美元, or with a
  decimal part;
- after a label naming a personal number (身份证号, 卡号, 账号, 电话, 座机 …) a mistyped ID number, a
  card failing the Luhn check and a landline without area code are masked as what the label says;
- a number glued to ASCII letters (a product code, SN…) is left alone, unless the letters are a phone
  label (tel, phone, mobile);
- a run of digits longer than any personal number is left alone (a digit run is one number: a ticket
  number, a date, a time, a house number is never a phone); numbers separated by spaces or hyphens are
  read as one number first, then group by group (``110 13812345678``: the second group is a mobile).

The masked text keeps its length and separators; masking is idempotent.
"""

from __future__ import annotations

import re

from nlp.personal_numbers import MAX_DIGITS, MIN_DIGITS, NumberKind, Shown, classify, labelled

_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ×x", "0123456789XXXX")
# A candidate: digits joined by at most one separator each, an ID number's X possibly last.
_CANDIDATE = re.compile(r"[0-9０-９](?:[ \-－　)）]?[0-9０-９])*(?:[Xx×Ｘｘ](?![A-Za-z]))?")
_GROUP = re.compile(r"[0-9０-９]+(?:[Xx×Ｘｘ])?")
_NOT_PERSONAL = re.compile(r"(?:订单|单号|编号|编码|流水号|交易号|发票|户号|缴费号|表号|合同号|批号|型号|序列号|序号|"
                           r"车次|航班|工单|[Nn][Oo]\.?)[号码]?[\s:：#是为]*$")
_MONEY_BEFORE = re.compile(r"(?:[¥￥$＄]|RMB|rmb|人民币|金额|价格|价钱|费用|共计|合计)[\s:：约为是]*$")
_MONEY_AFTER = re.compile(r"\s?(?:元|块|万|亿|千元|美元|圆|[.．][0-9０-９])")
_LABELS = ((re.compile(r"(?:身份证|证件)[号码]*[\s:：#是为]*$"), NumberKind.ID),
           (re.compile(r"(?:卡号|银行卡|账号|帐号|账户|帐户)[号码]*[\s:：#是为]*$"), NumberKind.CARD),
           (re.compile(r"(?:电话|座机|固话|联系方式|[Tt][Ee][Ll]|[Pp]hone)[号码]*[\s:：#是为]*$"), NumberKind.LOCAL))
_PHONE_WORD = re.compile(r"(?:[Tt][Ee][Ll]|[Pp]hone|[Mm]obile)$")
_LOOK_BACK = 12  # characters before a number in which its label is looked for
_MAX_GROUPS = 6  # the most groups one personal number is written in (+86 138 1234 5678; 4-4-4-4-3)


def mask_personal(text: str) -> str:
    """``text`` with the personal numbers in it masked (see the module's docstring)."""
    if not text:
        return text
    return _CANDIDATE.sub(lambda m: _masked(text, m), text)


def _masked(text: str, found: re.Match[str]) -> str:
    start, end = found.span()
    if end - start < MIN_DIGITS:
        return found[0]
    before, after = text[max(0, start - _LOOK_BACK):start], text[end:end + 2]
    if _NOT_PERSONAL.search(before) or _MONEY_BEFORE.search(before) or _MONEY_AFTER.match(after):
        return found[0]
    if start and text[start - 1].isascii() and text[start - 1].isalpha() and not _PHONE_WORD.search(before):
        return found[0]
    if end < len(text) and text[end].isascii() and text[end].isalpha():
        return found[0]
    label = next((kind for pattern, kind in _LABELS if pattern.search(before)), None)
    return _mask_groups(found[0], label)


def _mask_groups(span: str, label: NumberKind | None) -> str:
    """``span`` with every personal number in it masked: the longest run of groups from each group on."""
    groups = [(m.start(), m.end(), m[0].translate(_FULL_WIDTH)) for m in _GROUP.finditer(span)]
    out, i, done = [], 0, 0
    while i < len(groups):
        for j in range(min(len(groups), i + _MAX_GROUPS), i, -1):
            chars = "".join(g[2] for g in groups[i:j])
            if not MIN_DIGITS <= len(chars) <= MAX_DIGITS:
                continue
            piece, shown = _read(span[groups[i][0]:groups[j - 1][1]], chars, label if i == 0 else None)
            if shown is not None:
                out += [span[done:groups[i][0]], _stars(piece, shown)]
                done, i = groups[i][0] + len(piece), j
                break
        else:
            i += 1
    return "".join(out) + span[done:]


def _read(piece: str, chars: str, label: NumberKind | None) -> tuple[str, Shown | None]:
    """What ``piece`` is (after ``label``); a trailing X that makes it no ID number is left out of it."""
    shown = labelled(chars, label) if label is not None else classify(chars)
    if shown is None and chars.endswith("X"):
        return piece[:-1], labelled(chars[:-1], label) if label is not None else classify(chars[:-1])
    return piece, shown


def _stars(piece: str, shown: Shown) -> str:
    """``piece`` with its digits between the first ``head`` and the last ``tail`` turned into ``*``."""
    if piece.isalnum():  # no separators: the usual case, sliced
        return piece[:shown.head] + "*" * (len(piece) - shown.head - shown.tail) + piece[len(piece) - shown.tail:]
    positions = [k for k, c in enumerate(piece) if c.isdigit() or c in "Xx×Ｘｘ"]
    hidden = set(positions[shown.head:len(positions) - shown.tail])
    return "".join("*" if k in hidden else c for k, c in enumerate(piece))
