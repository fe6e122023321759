"""A local Telegram Bot API server (``server.BotAPIServer``) and user-side helpers (``client``) for tests.

One job per module:

- ``server``: ``BotAPIServer``, the face tests see (start/stop, fault injection, state to read);
- ``app``: the HTTP routes and the call pipeline (auth, record, injected faults, error answers);
- ``params``: a call's parameters from query, JSON, form or multipart; ``errors``: error answers;
- ``methods/``: the Bot API methods by area (``bot``, ``updates``, ``sending``, ``editing``, ``callbacks``);
- ``state``: everything the server knows: ``chats`` (chats, users, messages), ``files``,
  ``updates`` (the queue), ``pulse`` (waking waiters), ``webhook`` config;
- ``formatting``: HTML → entities; ``markup``: reply markup checks; ``media``: tiny media files;
- ``faults``: injected failures and delays; ``webhook``: delivery to a webhook;
- ``client`` (acting as users), ``watching`` (waiting for what the bot sent), ``reading``, ``users``.
"""

from .server import SECRET_HEADER, BotAPIServer
from .users import User

__all__ = ["SECRET_HEADER", "BotAPIServer", "User"]
