"""The XML WeChat and WeCom post to a callback, built as they build it.

Strings as CDATA, numbers bare (``<CreateTime>1700000000</CreateTime>``, ``<Location_X>23.02</Location_X>``),
nested dicts as child elements (a card event's ``SelectedItems``). gridbot's own builder
(:func:`bot.channels.weixin.xml.build`) writes flat replies only; the simulator needs the nesting.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Union

Value = Union[str, int, float, "Mapping[str, Value]"]


def cdata(text: str) -> str:
    """``text`` as CDATA (a ``]]>`` inside is split across two sections)."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _element(name: str, value: Value) -> str:
    if isinstance(value, Mapping):
        inner = "".join(_element(k, v) for k, v in value.items())
    elif isinstance(value, bool):
        raise TypeError(f"{name}: a bool is not a WeChat field")
    elif isinstance(value, int | float):
        inner = str(value)
    else:
        inner = cdata(value)
    return f"<{name}>{inner}</{name}>"


def xml_of(fields: Mapping[str, Value]) -> str:
    """``<xml>`` holding ``fields``."""
    return "<xml>" + "".join(_element(name, value) for name, value in fields.items()) + "</xml>"
