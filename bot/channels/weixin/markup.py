"""bot/texts/ write Telegram HTML; WeChat and WeCom text messages are plain text that may hold links."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")
_HREF = re.compile(r"""href\s*=\s*("[^"]*"|'[^']*')""")


def plain(text: str) -> str:
    """``text`` without its markup: tags dropped except ``<a href>``, entities unescaped (a typed ``<`` shown full-width), ``<br>`` a newline."""
    def tag(match: re.Match[str]) -> str:
        closing, name, attributes = match.group(1), match.group(2).lower(), match.group(3)
        if name == "a":
            if closing:
                return "</a>"
            href = _HREF.search(attributes)
            return f'<a href={href.group(1)}>' if href else ""
        return "\n" if name == "br" else ""

    without_tags = _TAG.sub(tag, text)
    # Links stay markup. Elsewhere entities are unescaped, and a "<" someone typed becomes a full-width
    # one: WeChat would take a resident's own "<a href=…>" for a link.
    parts = re.split(r"(<a href=[^>]*>|</a>)", without_tags)
    return "".join(part if part.startswith(("<a href=", "</a>")) else html.unescape(part).replace("<", "＜")
                   for part in parts)
