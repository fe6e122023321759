"""Signed, expiring links to residents' photos, for staff: ``/photos/NAME?exp=…&sig=…``.

There is no staff login yet, so whoever holds a link may see that one photo until the link expires;
nobody can make a link for another photo, or a longer-lived one, without the secret. The signature is
HMAC-SHA256 over the name and the expiry, with a secret kept in the data dir (``0600``) and created on
first use, so every process and command of one data dir (which holds the photos too) shares it.
Links are only ever minted for staff (``gridbot tickets show``); residents never receive one.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

LINK_TTL_SECONDS = 7 * 24 * 3600
SECRET_BYTES = 32


def load_secret(path: Path) -> bytes:
    """The signing secret in ``path``, created there (``0600``) if there is none yet.

    A new secret is written whole to a private temporary file and then linked into place, which fails if
    another process got there first: then that one's secret is read, never half of it."""
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(SECRET_BYTES) + "\n")
        try:
            os.link(partial, path)
        except FileExistsError:
            pass
    finally:
        partial.unlink(missing_ok=True)
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


class PhotoLinks:
    """Mints and checks photo links. Time is the wall clock: a link is a credential, not a deadline."""

    def __init__(self, secret: bytes, public_url: str, ttl_seconds: float = LINK_TTL_SECONDS,
                 now: Callable[[], float] = time.time, path: str = "/photos/") -> None:
        self._secret = secret
        self.public_url = public_url.rstrip("/")
        self.path = path  # where the links lead (another path, e.g. a ticket page, signs with its own secret)
        self.ttl_seconds = ttl_seconds
        self._now = now

    def url(self, name: str) -> str:
        """A link to the photo ``name``, valid for ``ttl_seconds`` from now."""
        expires = int(self._now() + self.ttl_seconds)
        return f"{self.public_url}{self.path}{quote(name, safe='')}?exp={expires}&sig={self._sign(name, expires)}"

    def valid(self, name: str, expires: str, signature: str) -> bool:
        """Whether ``signature`` was made here for ``name`` and ``expires``, and that moment is still ahead."""
        if not (expires.isascii() and expires.isdigit() and len(expires) <= 12):
            return False
        if int(expires) < self._now():
            return False
        return hmac.compare_digest(self._sign(name, int(expires)).encode(), signature.encode())  # bytes: any text

    def _sign(self, name: str, expires: int) -> str:
        return hmac.new(self._secret, f"{name}\n{expires}".encode(), hashlib.sha256).hexdigest()
