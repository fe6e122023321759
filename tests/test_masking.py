"""The personal-number masker (nlp/masking.py, nlp/personal_numbers.py): a table of what is masked and
what is left alone, both ways, and the checks it rests on (GB 11643 check digit, Luhn)."""

from __future__ import annotations

import pytest

from nlp.masking import mask_personal
from nlp.personal_numbers import id_check_ok, luhn_ok

MASKED = [
    # mobiles
    ("电话13812345678", "电话138****5678"),
    ("我的手机是19912345678，随时打", "我的手机是199****5678，随时打"),
    ("打138 1234 5678或+86-13912345678", "打138 **** 5678或+86-139****5678"),
    ("打 +86 138-1234-5678 找我", "打 +86 138-****-5678 找我"),
    ("0086 13912345678", "0086 139****5678"),
    ("8613912345678", "86139****5678"),
    ("１３８１２３４５６７８", "１３８****５６７８"),
    ("１３８－１２３４－５６７８", "１３８－****－５６７８"),
    ("13812345678/13987654321", "138****5678/139****4321"),
    ("13812345678、13987654321", "138****5678、139****4321"),
    ("报警打了110 13812345678是我", "报警打了110 138****5678是我"),
    ("tel:13812345678", "tel:138****5678"),
    ("威胁电话的号码是13826554417", "威胁电话的号码是138****4417"),  # anyone's number, not only the resident's
    ("Tel13812345678", "Tel138****5678"),
    ("2026-11-24 13812345678来电", "2026-11-24 138****5678来电"),
    ("13812345678x", "138****5678x"),
    # landlines
    ("座机0769-22123456", "座机0769-******56"),
    ("0755 8765 4321", "0755 **** **21"),
    ("010-62345678转801", "010-******78转801"),
    ("0769-22123456-801", "0769-******56-801"),
    ("(0769)22123456", "(0769)******56"),
    ("（020）87654321", "（020）******21"),
    ("02087654321", "020******21"),
    ("电话 87654321", "电话 ******21"),
    ("固话：2345678", "固话：*****78"),
    # resident ID numbers
    ("身份证441900199001011231", "身份证441**************1"),
    ("证件号44030619850612109X号", "证件号440**************X号"),
    ("44030619850612109x。", "440**************x。"),
    ("11010519491231002×", "110**************×"),
    ("老身份证440101900101123", "老身份证440***********3"),
    ("身份证号：441900199001011232", "身份证号：441**************2"),  # a typo in the check digit, labelled
    # bank cards
    ("卡号6228480012345671", "卡号6228********5671"),
    ("转到6217001234567890122", "转到6217***********0122"),
    ("6228 4800 1234 5671", "6228 **** **** 5671"),
    ("4532-0151-1283-0366", "4532-****-****-0366"),
    ("银行卡号 6228480012345678", "银行卡号 6228********5678"),  # fails Luhn, but labelled a card
    ("441900199001011235", "4419**********1235"),  # no ID number (check digit), but a Luhn-valid card
]

LEFT_ALONE = [
    "工单 T20261124-0007 怎么还没人管",
    "T20261124-0007，T20261125-0123",
    "20261124那天晚上",
    "2026-11-24 13:45:12",
    "2026年11月24日下午3点",
    "幸福路128号3栋1102室",
    "3栋2单元1102，13号楼",
    "押金¥13800000",
    "¥13812345678",
    "一共1380元",
    "一共 1380 元",
    "户号0312778654",
    "工单号GD2026112300451到哪一步了",
    "13812345678元",
    "估价13812345678块",
    "金额1234567890123元",
    "价格 13912345678",
    "订单号13812345678",
    "快递单号：4398123456789012345",
    "订单 123456789012 还没到",
    "编号19912345678的路灯",
    "电费户号 0769221234567",
    "SN13812345678",
    "13812345678abc",
    "13812345678.50",
    "441900199001011232",  # wrong check digit and no Luhn: not an ID number, not a card
    "440101190013011233",  # month 13: not an ID number
    "6228480012345678",  # 16 digits failing Luhn, no label
    "1381234567",  # ten digits
    "138123456789",  # twelve
    "1234567890123456789012",  # longer than any personal number
    "12345678",  # eight digits, no phone label
    "12315 和 12345 都打过",
    "100平方米，2000户，300人",
    "4001234567 是客服",
    "138****5678",  # already masked
    "441**************1",
]


@pytest.mark.parametrize("text, masked", MASKED)
def test_personal_numbers_are_masked(text: str, masked: str) -> None:
    assert mask_personal(text) == masked
    assert mask_personal(masked) == masked  # idempotent


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_other_numbers_are_left_alone(text: str) -> None:
    assert mask_personal(text) == text


def test_the_table_is_large_enough() -> None:
    assert len(MASKED) + len(LEFT_ALONE) >= 40 and len(MASKED) >= 20 and len(LEFT_ALONE) >= 20


def test_checks() -> None:
    assert id_check_ok("11010519491231002X") and id_check_ok("441900199001011231")
    assert not id_check_ok("441900199001011232")
    assert luhn_ok("6228480012345671") and luhn_ok("4532015112830366") and not luhn_ok("6228480012345678")


def test_empty_and_plain_text() -> None:
    assert mask_personal("") == ""
    assert mask_personal("楼下垃圾没人清理") == "楼下垃圾没人清理"
