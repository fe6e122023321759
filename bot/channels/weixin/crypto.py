"""The callback security of WeChat and WeCom: signatures, and the AES-256-CBC message encryption.

Both platforms sign a callback with SHA-1 over the sorted strings (token, timestamp, nonce, and in
encrypted mode the ciphertext). Encrypted messages are AES-256-CBC with the 43-character EncodingAESKey
(base64, 32 bytes; the IV is its first 16 bytes), PKCS#7-padded to a 32-byte block, over
``16 random bytes + 4-byte big-endian length + message + receive id`` (the Official Account's app id, or
the WeCom corp id): a message encrypted for another account does not decrypt for this one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.channels.weixin import xml

AES_KEY_LENGTH = 43
BLOCK = 32  # WeChat pads to 32 bytes, not AES's 16


class DecryptError(ValueError):
    """A ciphertext that is not a message for this account."""


def signature(token: str, timestamp: str, nonce: str, encrypted: str = "") -> str:
    """The SHA-1 hex signature WeChat puts on a callback."""
    return hashlib.sha1("".join(sorted((token, timestamp, nonce, encrypted))).encode("utf-8")).hexdigest()


def signature_ok(given: str, token: str, timestamp: str, nonce: str, encrypted: str = "") -> bool:
    """Whether ``given`` is the callback's signature, compared in constant time."""
    expected = signature(token, timestamp, nonce, encrypted)
    return hmac.compare_digest(given.lower().encode("ascii", "replace"), expected.encode("ascii"))


def valid_aes_key(key: str) -> bool:
    """Whether ``key`` is an EncodingAESKey: 43 characters of base64 that decode to 32 bytes."""
    if len(key) != AES_KEY_LENGTH:
        return False
    try:
        return len(base64.b64decode(key + "=", validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


class MessageCrypto:
    """Encrypts and decrypts one account's messages."""

    def __init__(self, token: str, aes_key: str, receive_id: str) -> None:
        if not valid_aes_key(aes_key):
            raise ValueError("EncodingAESKey must be 43 characters of base64")
        self.token = token
        self.key = base64.b64decode(aes_key + "=")
        self.receive_id = receive_id

    def decrypt(self, encrypted_b64: str) -> str:
        """The message inside a callback's ``Encrypt`` (or WeCom's ``echostr``)."""
        try:
            data = base64.b64decode(encrypted_b64, validate=True)
        except (binascii.Error, ValueError):
            raise DecryptError("not base64") from None
        if not data or len(data) % 16:
            raise DecryptError("not whole AES blocks")
        decryptor = self._cipher().decryptor()
        plain = decryptor.update(data) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise DecryptError("bad padding")
        body = plain[16:-pad]
        if len(body) < 4:
            raise DecryptError("too short")
        (length,) = struct.unpack(">I", body[:4])
        message, receive_id = body[4 : 4 + length], body[4 + length :]
        if len(message) != length or not hmac.compare_digest(receive_id, self.receive_id.encode("utf-8")):
            raise DecryptError("not for this account")
        try:
            return message.decode("utf-8")
        except UnicodeDecodeError:
            raise DecryptError("not UTF-8") from None

    def encrypt(self, plain: str, random16: bytes | None = None) -> str:
        """``plain`` encrypted for this account, base64 (``random16``: fixed only for test vectors)."""
        message = plain.encode("utf-8")
        body = (random16 or os.urandom(16)) + struct.pack(">I", len(message)) + message + self.receive_id.encode("utf-8")
        pad = BLOCK - len(body) % BLOCK
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(body + bytes([pad]) * pad) + encryptor.finalize()).decode("ascii")

    def reply_envelope(self, plain_xml: str, timestamp: str, nonce: str, random16: bytes | None = None) -> str:
        """A passive reply in encrypted mode: the XML WeChat expects around the ciphertext."""
        encrypted = self.encrypt(plain_xml, random16)
        return xml.build({"Encrypt": encrypted, "MsgSignature": signature(self.token, timestamp, nonce, encrypted),
                          "TimeStamp": int(timestamp) if timestamp.isdigit() else timestamp, "Nonce": nonce})

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))
