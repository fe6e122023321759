"""Open311 answers as JSON (an array of objects) or XML (a root element of item elements), chosen by the
path's ``.json`` / ``.xml``. XML is built with xml.etree (every value escaped); characters XML 1.0
cannot hold (control characters a resident's text may carry) are left out of it."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

from aiohttp import web

FORMATS = ("json", "xml")
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Row = dict[str, Any]


def _xml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_IN_XML.sub("", str(value))


def to_xml(root: str, item: str, rows: Sequence[Row]) -> str:
    """``<root><item><field>value</field>…</item>…</root>``; None is an empty element."""
    top = ET.Element(root)
    for row in rows:
        element = ET.SubElement(top, item)
        for name, value in row.items():
            ET.SubElement(element, name).text = None if value is None else _xml_value(value)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="unicode")


def answer(fmt: str, root: str, item: str, rows: Sequence[Row], status: int = 200) -> web.Response:
    """``rows`` as the ``fmt`` the path asked for (JSON unless ``xml``)."""
    if fmt == "xml":
        return web.Response(text=to_xml(root, item, rows), status=status, content_type="text/xml", charset="utf-8")
    return web.Response(text=json.dumps(list(rows), ensure_ascii=False, separators=(",", ":")), status=status,
                        content_type="application/json", charset="utf-8")


def error_answer(fmt: str, rows: Sequence[Row], status: int) -> web.Response:
    """GeoReport's error array: ``<errors><error><code/><description/></error></errors>`` in XML."""
    return answer(fmt, "errors", "error", rows, status)
