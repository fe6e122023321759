"""The callback crypto against the published test vectors (Tencent's sample, wechatpy's tests), and the XML
parser against hostile bodies."""

from __future__ import annotations

import pytest

from bot.channels.weixin import xml
from bot.channels.weixin.crypto import DecryptError, MessageCrypto, signature, signature_ok, valid_aes_key
from bot.channels.weixin.markup import plain

# Tencent's Official Account sample (WXBizMsgCrypt demo): a text message "abcdteT".
OA_TOKEN, OA_KEY, OA_APP = "spamtest", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx2c2769f8efd9abc2"
OA_ENCRYPT = (
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9"
    "FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3y"
    "t+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v"
    "6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
)
# wechatpy's WeCom tests.
WC_TOKEN, WC_KEY, WC_CORP = "123456", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wx49f0ab532d5d035a"
WC_ENCRYPT = (
    "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzx"
    "h6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIi"
    "OAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvc"
    "cTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0="
)
WC_ECHO = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="


def test_official_account_sample_verifies_and_decrypts() -> None:
    assert signature_ok("5d197aaffba7e9b25a30732f161a50dee96bd5fa", OA_TOKEN, "1409735669", "1320562132", OA_ENCRYPT)
    fields = xml.parse(MessageCrypto(OA_TOKEN, OA_KEY, OA_APP).decrypt(OA_ENCRYPT).encode())
    assert fields["Content"] == "abcdteT" and fields["FromUserName"] == "oyORnuP8q7ou2gfYjqLzSIWZf0rs"


def test_wecom_vectors_verify_decrypt_and_encrypt_as_published() -> None:
    crypto = MessageCrypto(WC_TOKEN, WC_KEY, WC_CORP)
    assert signature_ok("74d92dfeb87ba7c714f89d98870ae5eb62dff26d", WC_TOKEN, "1411525903", "461056294", WC_ENCRYPT)
    fields = xml.parse(crypto.decrypt(WC_ENCRYPT).encode())
    assert (fields["Content"], fields["FromUserName"]) == ("test", "messense")
    assert signature_ok("dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", WC_TOKEN, "1411443780", "437374425", WC_ECHO)
    assert not signature_ok("dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", WC_TOKEN, "1411443780", "437374424", WC_ECHO)
    assert crypto.decrypt(WC_ECHO)  # the URL verification's echostr decrypts
    reply = ("<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n"
             "<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n"
             "<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>")
    envelope = xml.parse(crypto.reply_envelope(reply, "1411525903", "461056294", random16=b"1234567890123456").encode())
    assert envelope["Encrypt"].startswith("9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk")
    assert envelope["MsgSignature"] == "407518b7649e86ef23978113f92d27afa9296533"


def test_a_message_for_another_account_or_tampered_does_not_decrypt() -> None:
    with pytest.raises(DecryptError):
        MessageCrypto(OA_TOKEN, OA_KEY, "wx0000000000000000").decrypt(OA_ENCRYPT)
    tampered = OA_ENCRYPT[:40] + ("A" if OA_ENCRYPT[40] != "A" else "B") + OA_ENCRYPT[41:]
    for bad in (tampered, "not base64!", "", "QUJD"):
        with pytest.raises(DecryptError):
            MessageCrypto(OA_TOKEN, OA_KEY, OA_APP).decrypt(bad)


def test_round_trip_with_chinese_and_key_rules() -> None:
    crypto = MessageCrypto("tok", WC_KEY, "corp")
    assert crypto.decrypt(crypto.encrypt("<xml><Content>路灯坏了</Content></xml>")) == "<xml><Content>路灯坏了</Content></xml>"
    assert valid_aes_key(WC_KEY) and not valid_aes_key(WC_KEY[:-1]) and not valid_aes_key("!" * 43)
    assert signature("b", "a", "c") == signature("c", "b", "a")  # the order does not matter: sorted


@pytest.mark.parametrize("body", [
    b"<xml><a>1</a>",  # malformed
    b"<notxml><a>1</a></notxml>",
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><a>&e;</a></xml>',
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><xml><a>&c;</a></xml>',
    b"<xml>" + b"<a>1</a>" * 10_000 + b"</xml>",
    b"\xff\xfe",
])
def test_hostile_or_broken_xml_is_refused(body: bytes) -> None:
    with pytest.raises(xml.BadXML):
        xml.parse(body)


def test_nested_fields_are_flattened_and_build_escapes_cdata() -> None:
    fields = xml.parse("<xml><Event><![CDATA[location_select]]></Event><SendLocationInfo><Location_X>23.02</Location_X>"
                       "<Label><![CDATA[东城]]></Label></SendLocationInfo></xml>".encode())
    assert fields == {"Event": "location_select", "SendLocationInfo.Location_X": "23.02", "SendLocationInfo.Label": "东城"}
    assert xml.parse(xml.build({"Content": "a]]>b", "CreateTime": 5}).encode()) == {"Content": "a]]>b", "CreateTime": "5"}


def test_plain_keeps_links_and_defuses_typed_markup() -> None:
    assert plain('<b>工单 T1</b> 已受理 &amp; <a href="https://x/t?a=1&amp;b=2">查看</a>') == \
        '工单 T1 已受理 & <a href="https://x/t?a=1&amp;b=2">查看</a>'
    assert plain("居民说：&lt;a href=&quot;http://evil&quot;&gt;点我&lt;/a&gt;") == '居民说：＜a href="http://evil">点我＜/a>'
