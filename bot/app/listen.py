"""The HTTP port of ``serve``, taken first: a busy port fails at once, before anything else is started.

The sockets are bound at the start but listen only once the service is up, so until then a client is
refused rather than left waiting on a half-started process.
"""

from __future__ import annotations

import errno
import socket

from bot.app.startup import StartupError


def bind_http(host: str, port: int) -> list[socket.socket]:
    """Sockets bound (not yet listening) to every address of ``host`` on ``port`` (0: any free port)."""
    try:
        found = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as err:
        raise StartupError(f"cannot listen on {host!r} (GRIDBOT_HTTP_HOST): {err.strerror}") from None
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, _, address in dict.fromkeys(found):
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp does: restart past TIME_WAIT
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
    except OSError as err:
        for sock in sockets:
            sock.close()
        raise StartupError(listen_failure(host, port, err)) from None
    return sockets


def listen_failure(host: str, port: int, err: OSError) -> str:
    """What to tell the operator when the HTTP port cannot be bound or listened on."""
    if err.errno == errno.EADDRINUSE:
        return (f"port {port} on {host} is in use (another gridbot serve?): stop it, "
                "or choose another port with GRIDBOT_HTTP_PORT")
    return f"cannot listen on port {port} of {host}: {err.strerror or err} (GRIDBOT_HTTP_HOST, GRIDBOT_HTTP_PORT)"
