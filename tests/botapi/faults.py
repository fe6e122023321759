"""Fault injection: the next calls of a method fail with a chosen status, or every call is slow."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .errors import ApiError

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class _Fault:
    status: int
    description: str
    retry_after: int | None
    remaining: int


class Faults:
    """Faults by canonical method name (the caller canonicalises)."""

    def __init__(self) -> None:
        self._faults: dict[str, list[_Fault]] = defaultdict(list)
        self._delays: dict[str, float] = {}

    def fail_next(self, method: str, status: int, times: int, retry_after: int | None,
                  description: str | None) -> None:
        """The next ``times`` calls of ``method`` answer ``status``; 429 always carries a retry_after (1 s)."""
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            description = (f"Too Many Requests: retry after {retry_after}" if status == 429
                           else _DEFAULT_DESCRIPTIONS.get(status, "Error"))
        self._faults[method].append(_Fault(status, description, retry_after, times))

    def delay(self, method: str, seconds: float) -> None:
        """Every call of ``method`` waits ``seconds`` before being handled (0 turns it off)."""
        if seconds:
            self._delays[method] = seconds
        else:
            self._delays.pop(method, None)

    def delay_of(self, method: str) -> float:
        return self._delays.get(method, 0.0)

    def raise_next(self, method: str) -> None:
        """Raise the ApiError injected for this call of ``method``, if any."""
        queue = self._faults.get(method)
        if not queue:
            return
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.pop(0)
        parameters = {"retry_after": fault.retry_after} if fault.retry_after is not None else None
        raise ApiError(fault.status, fault.description, parameters)
