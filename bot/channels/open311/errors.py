"""Open311 errors: an array of ``{code, description}`` with the HTTP status (400, 403, 404, 429)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Open311Error(Exception):
    """A request the API refuses; raised at the edge, answered by the route in the asked format."""

    status: int
    description: str

    def rows(self) -> list[dict[str, object]]:
        """The error as GeoReport's array (``code`` is the HTTP status, as GeoReport servers send)."""
        return [{"code": self.status, "description": self.description}]


def bad_request(description: str) -> Open311Error:
    return Open311Error(400, description)


def forbidden(description: str) -> Open311Error:
    return Open311Error(403, description)


def not_found(description: str) -> Open311Error:
    return Open311Error(404, description)


def too_many(description: str) -> Open311Error:
    return Open311Error(429, description)
