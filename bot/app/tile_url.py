"""``GRIDBOT_MAP_TILE_URL``, the console map's tile template, checked at start-up: its origin goes into
the console's Content-Security-Policy and each filled URL into an SVG attribute, so it must name one
fixed host in plain ASCII over https (http only on a loopback address), with {z}, {x} and {y} only in
the path or query and no other placeholder."""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit

from bot.infra.addresses import is_loopback

TILE_EXAMPLE = "https://tiles.city.gov.cn/{z}/{x}/{y}.png"
# What a tile template may not hold: it is written into HTML attributes and a CSP header.
_TILE_UNSAFE = re.compile(r"[^\x21-\x7e]|[\"'<>\\`]")
_TILE_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?")


def tile_url_problem(url: str) -> str | None:
    """Why ``url`` must not be the console map's tile template (in English, naming the setting), or None."""
    name = "GRIDBOT_MAP_TILE_URL"
    if _TILE_UNSAFE.search(url):
        return (f"{name} must be a URL without spaces, quotes, angle brackets, backslashes or non-ASCII "
                "characters (a Chinese host name in its xn-- form)")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return f"{name} must be an https:// address such as {TILE_EXAMPLE}, not {url!r}"
    if "@" in parts.netloc:
        return f"{name} must not carry a user name or password (user:password@); the browser sends it to everyone"
    if not _TILE_HOST.fullmatch(parts.netloc) or not 0 < _port(parts) < 65536:
        return (f"{name} must name one host (a DNS name or an IPv4 address, an optional :port, no placeholders), "
                f"not {parts.netloc!r}")
    if parts.scheme == "http" and not is_loopback(parts.hostname or ""):
        return f"{name} must be https://, not {url!r}; http:// is accepted only on a loopback address"
    missing = [p for p in ("{z}", "{x}", "{y}") if p not in url]
    if missing:
        return f"{name} must contain {{z}}, {{x}} and {{y}} (the XYZ tile scheme); {', '.join(missing)} missing"
    rest = url.replace("{z}", "").replace("{x}", "").replace("{y}", "")
    if "{" in rest or "}" in rest:
        found = re.search(r"\{[^{}]*\}", rest)
        return (f"{name} may contain only the placeholders {{z}}, {{x}} and {{y}}, not "
                f"{found.group(0) if found else 'a lone brace'}")
    return None


def tile_origin(url: str) -> str:
    """The scheme://host[:port] of a checked template (the host in lower case, as CSP compares it)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _port(parts: SplitResult) -> int:
    """The port the URL names or its scheme's; -1 for one that is out of range."""
    try:
        return parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return -1
