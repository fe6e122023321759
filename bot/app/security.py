"""Security headers on every HTTP response, and a ``Server:`` header that names no versions.

The web chat loads only its own files and uses no inline script or style, so the policy allows
nothing else; photos previewed before upload are ``blob:`` or ``data:`` URLs. The dispatch console's
pages alone may also show images from the city's map tile service when one is configured
(``GRIDBOT_MAP_TILE_URL``): its exact origin, nothing wider.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web

CONSOLE_PREFIX = "/console"


def content_security_policy(image_origin: str | None = None) -> str:
    """The policy; ``image_origin`` (scheme://host[:port]) is added to where images may come from."""
    images = "img-src 'self' blob: data:" + (f" {image_origin}" if image_origin else "")
    return "; ".join((
        "default-src 'self'", images, "connect-src 'self'", "frame-ancestors 'none'",
        "base-uri 'none'", "form-action 'self'", "object-src 'none'",
    ))


CONTENT_SECURITY_POLICY = content_security_policy()
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Server": "gridbot",
}


def _is_console(path: str) -> bool:
    return path == CONSOLE_PREFIX or path.startswith(CONSOLE_PREFIX + "/")


def _adder(console_headers: Mapping[str, str]) -> Callable[[web.Request, web.StreamResponse], Awaitable[None]]:
    async def add_headers(request: web.Request, response: web.StreamResponse) -> None:
        for name, value in (console_headers if _is_console(request.path) else SECURITY_HEADERS).items():
            response.headers[name] = value
    return add_headers


def add_security_headers(app: web.Application, console_image_origin: str | None = None) -> None:
    """Send :data:`SECURITY_HEADERS` with every response of ``app`` (pages, API, errors, event streams);
    under ``/console`` the CSP also allows images from ``console_image_origin`` when it is given."""
    console = {**SECURITY_HEADERS, "Content-Security-Policy": content_security_policy(console_image_origin)}
    app.on_response_prepare.append(_adder(console))
