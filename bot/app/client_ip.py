"""Whom a web request comes from, for per-IP limits: the peer, or behind a trusted reverse proxy the
address the proxy saw.

``X-Forwarded-For`` is believed only when the peer is one of GRIDBOT_TRUSTED_PROXIES, and then only
as far as the chain of trusted proxies goes: the client is the rightmost address not trusted (anything
left of it was written by the client itself and may be forged).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from aiohttp import web

from bot.app.config import IPNetwork
from bot.app.http import SETTINGS

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
CLIENT_IP = web.RequestKey("client_ip", str)
IPV6_HOUSEHOLD = 64  # an ISP gives each line (a phone, a home) a whole /64


def client_ip(request: web.Request) -> str:
    """The client of ``request`` as per-IP limits count it: an IPv4 address, or an IPv6 /64 network."""
    if CLIENT_IP not in request:
        address = client_address(request.remote, request.headers.getall("X-Forwarded-For", ()),
                                 request.app[SETTINGS].trusted_proxies)
        request[CLIENT_IP] = limit_key(address) if address is not None else (request.remote or "-")
    return request[CLIENT_IP]


def client_address(peer: str | None, forwarded: Iterable[str], trusted: Sequence[IPNetwork]) -> IPAddress | None:
    """The client's address: ``peer`` unless it is a trusted proxy; then the rightmost address of the
    ``X-Forwarded-For`` values that is not trusted (the leftmost when all are). None: no peer address."""
    address = _parse(peer)
    if address is None or not _is_trusted(address, trusted):
        return address
    hops = [hop for value in forwarded for hop in value.split(",")]
    for hop in reversed(hops):
        parsed = _parse(hop)
        if parsed is None:  # not an address: the chain of trusted proxies ends before it
            break
        address = parsed
        if not _is_trusted(address, trusted):
            break
    return address


def limit_key(address: IPAddress) -> str:
    """What per-IP limits count against: the address, or for IPv6 its /64 (one line's, not one device's)."""
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, IPV6_HOUSEHOLD), strict=False))
    return str(address)


def _is_trusted(address: IPAddress, trusted: Sequence[IPNetwork]) -> bool:
    return any(address.version == network.version and address in network for network in trusted)


def _parse(value: str | None) -> IPAddress | None:
    """An address as written in a peer or forwarded hop ("1.2.3.4", "1.2.3.4:5678", "[2001:db8::1]:80")."""
    if not value:
        return None
    text = value.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address
