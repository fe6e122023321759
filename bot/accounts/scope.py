"""What one console account (or Open311 caller) may see: a community, a town, or the whole city.

The three levels of the grid system's command platform: a community station (村社区) sees and steers its
community's tickets, a town centre (镇街) its town's, the city centre and admins everything. A ticket no
one has placed yet (no community, no town) belongs to no community or town: only the city and admins
see it, so a community account never reads a resident's words from elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """An account's level; the values are what `gridbot accounts add --role` takes."""

    ADMIN = "admin"  # everything, and the classifier, the map, accounts' work
    CITY = "city"
    TOWN = "town"
    COMMUNITY = "community"


@dataclass(frozen=True)
class Scope:
    """The part of the city an account covers."""

    role: Role
    town: str | None = None  # set for town and community accounts
    community: str | None = None  # set for community accounts

    def __post_init__(self) -> None:
        if self.role is Role.TOWN and not self.town:
            raise ValueError("a town account needs its town")
        if self.role is Role.COMMUNITY and not self.community:
            raise ValueError("a community account needs its community")

    @property
    def everything(self) -> bool:
        """City and admin accounts see every ticket."""
        return self.role in (Role.ADMIN, Role.CITY)

    def sees(self, community: str | None, town: str | None) -> bool:
        """Whether a ticket of this community and town is in scope."""
        if self.everything:
            return True
        if self.role is Role.TOWN:
            return town is not None and town == self.town
        return community is not None and community == self.community and (self.town is None or town in (None, self.town))
