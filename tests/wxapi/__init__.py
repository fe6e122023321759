"""A local WeChat Official Account + WeCom API server (``server.WxAPIServer``) and the simulator of
WeChat's and WeCom's callbacks (``simulator``) for tests.

One job per module:

- ``server``: ``WxAPIServer``, the face tests see (start/stop, people, media, tokens, the state to read);
- ``app``: the HTTP pipeline (read, record, token check, injected fault, endpoint, JSON answer);
- ``wechat`` (tokens, customer and template messages), ``menus``, ``wecom`` (token, app messages,
  card updates), ``media`` (media/get, media/upload): the endpoints;
- ``tokens``, ``people`` (48-hour window, quota, members, rate limit), ``cards`` (template_card checks,
  response codes), ``state``; ``errors`` (the errcodes and the ones this server picked);
- ``faults``: injected errcodes, HTTP statuses, timeouts, drops, random failures;
- ``mailbox`` (what each recipient got, waiting for it) and ``reading`` (``text_of`` an entry);
- ``accounts`` (the settings shared with gridbot), ``simulator`` (users and members posting callbacks),
  ``posting`` (signing, posting, decrypting passive replies), ``xmlmsg`` (the callback XML).
"""

from .accounts import OfficialAccount, WeComApp
from .posting import Posted, Retry
from .reading import card_text, menu_choices, text_of
from .server import WxAPIServer
from .simulator import OfficialAccountUser, WeComMember

__all__ = ["OfficialAccount", "OfficialAccountUser", "Posted", "Retry", "WeComApp", "WeComMember", "WxAPIServer",
           "card_text", "menu_choices", "text_of"]
