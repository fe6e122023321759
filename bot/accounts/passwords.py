"""Console passwords: argon2id hashes (argon2-cffi), and the one rule a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 10
_HASHER = PasswordHasher()  # stateless: its parameters only
# Checked against when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("gridbot-no-such-account")


def too_short(password: str) -> bool:
    """Whether ``password`` is refused as a new password (fewer than 10 characters)."""
    return len(password) < MIN_PASSWORD_LENGTH


def hash_password(password: str) -> str:
    """The argon2id hash stored for ``password``."""
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (None: no account, still costs one verification)."""
    try:
        return _HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
