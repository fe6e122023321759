"""Error answers of the Bot API, and a result that carries a description."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class ApiError(Exception):
    """An error answer: HTTP status == error_code, like the real Bot API."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """The JSON body of the answer."""
        data: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            data["parameters"] = self.parameters
        return data


def bad(description: str) -> ApiError:
    """A 400 answer, worded as Telegram words it: ``Bad Request: …``."""
    return ApiError(400, f"Bad Request: {description}")


@dataclass(frozen=True)
class Described:
    """A successful result that also carries a ``description`` (as setWebhook's answers do)."""

    result: Any
    description: str
