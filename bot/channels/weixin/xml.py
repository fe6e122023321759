"""WeChat's callback XML: parsed safely, built with CDATA.

A callback is ``<xml>`` with one element per field. Parsing goes through defusedxml with DTDs refused, so
an entity bomb (billion laughs) or an external entity is refused before anything expands or is fetched.
Nested fields (``SendLocationInfo`` of a location event, the ``SelectedItems`` of a card) are flattened
to ``Parent.Child``.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

MAX_BODY = 64 * 1024  # a callback is a few hundred bytes; an image's is under 1 KB
MAX_FIELDS = 200


class BadXML(ValueError):
    """A body that is not a WeChat callback."""


def parse(body: bytes) -> dict[str, str]:
    """The fields of a callback body (``BadXML`` when it is not one)."""
    if len(body) > MAX_BODY:
        raise BadXML("too large")
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as err:
        raise BadXML(type(err).__name__) from None
    if root.tag != "xml":
        raise BadXML("the root is not <xml>")
    fields: dict[str, str] = {}
    _flatten(root, "", fields)
    return fields


def _flatten(element: Element, prefix: str, into: dict[str, str]) -> None:
    for child in element:
        name = f"{prefix}{child.tag}"
        if len(child):
            _flatten(child, f"{name}.", into)
        else:
            into[name] = (child.text or "").strip() if name != "Content" else child.text or ""
        if len(into) > MAX_FIELDS:
            raise BadXML("too many fields")


def build(fields: dict[str, str | int]) -> str:
    """``<xml>`` with the fields, strings as CDATA (a ``]]>`` inside one is split across two sections)."""
    parts = ["<xml>"]
    for name, value in fields.items():
        if isinstance(value, int):
            parts.append(f"<{name}>{value}</{name}>")
        else:
            parts.append(f"<{name}><![CDATA[{value.replace(']]>', ']]]]><![CDATA[>')}]]></{name}>")
    parts.append("</xml>")
    return "".join(parts)
