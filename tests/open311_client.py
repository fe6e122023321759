"""A small Open311 client for the tests: GET and POST in JSON or XML, XML read back into rows."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.accounts.apikeys import ApiKeys
from tests.telegram_harness import World


@dataclass
class Answer:
    status: int
    content_type: str
    rows: list[dict[str, Any]]
    root: str = ""  # the XML root element's name
    item: str = ""  # the XML item elements' name


def parse_xml(text: str) -> tuple[str, str, list[dict[str, Any]]]:
    """An Open311 XML answer as (root name, item name, rows of field → text or None)."""
    root = ET.fromstring(text)
    items = list(root)
    rows = [{field.tag: field.text for field in item} for item in items]
    return root.tag, items[0].tag if items else "", rows


class Open311Client:
    """Calls ``/open311/v2/`` of a running world."""

    def __init__(self, world: World, http: aiohttp.ClientSession) -> None:
        self.base = f"http://127.0.0.1:{world.service.http_port}/open311/v2"
        self.http = http

    async def _read(self, response: aiohttp.ClientResponse, fmt: str) -> Answer:
        text = await response.text()
        if fmt == "xml":
            root, item, rows = parse_xml(text)
            return Answer(response.status, response.content_type, rows, root, item)
        return Answer(response.status, response.content_type, json.loads(text))

    async def get(self, path: str, fmt: str = "json", **query: str) -> Answer:
        async with self.http.get(f"{self.base}/{path}.{fmt}", params=query) as response:
            return await self._read(response, fmt)

    async def post(self, fields: dict[str, str], fmt: str = "json") -> Answer:
        async with self.http.post(f"{self.base}/requests.{fmt}", data=fields) as response:
            return await self._read(response, fmt)


async def new_key(world: World, name: str = "hotline") -> str:
    """An API key made as `gridbot apikeys add` makes one."""
    assert world.service.redis is not None
    made = await ApiKeys(world.service.redis, world.clock).add(name)
    assert made.key is not None
    return made.key
