"""Security headers on every HTTP response, and a ``Server:`` header that names no versions.

The web chat loads only its own files and uses no inline script or style, so the policy allows
nothing else; photos previewed before upload are ``blob:`` or ``data:`` URLs.
"""

from __future__ import annotations

from aiohttp import web

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "img-src 'self' blob: data:", "connect-src 'self'", "frame-ancestors 'none'",
    "base-uri 'none'", "form-action 'self'", "object-src 'none'",
))
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Server": "gridbot",
}


async def _add_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value


def add_security_headers(app: web.Application) -> None:
    """Send :data:`SECURITY_HEADERS` with every response of ``app`` (pages, API, errors, event streams)."""
    app.on_response_prepare.append(_add_headers)
