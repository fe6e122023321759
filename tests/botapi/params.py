"""The parameters of a method call, however they came: query string, JSON body, form or multipart.

In form bodies every value is a string: numbers and booleans as JSON scalars, nested objects
(reply_markup, entities, …) as JSON text. The typed accessors accept both native JSON values and
those string forms.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from .errors import bad


@dataclass
class Upload:
    """A file part of a multipart request."""

    data: bytes
    filename: str | None
    content_type: str | None


class Params:
    """Request parameters with typed accessors; a missing ``required`` one is Telegram's "… is empty"."""

    def __init__(
        self, values: dict[str, Any], files: dict[str, Upload] | None = None, content_type: str = ""
    ) -> None:
        self.values = values
        self.files = files or {}
        self.content_type = content_type

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    def raw(self, name: str, default: Any = None) -> Any:
        return self.values[name] if self.has(name) else default

    def _present(self, name: str, required: bool) -> bool:
        if self.has(name):
            return True
        if required:
            raise bad(f"{name} is empty")
        return False

    def get_str(self, name: str, default: str | None = None, *, required: bool = False) -> str | None:
        if not self._present(name, required):
            return default
        value = self.values[name]
        if isinstance(value, Upload):
            raise bad(f"wrong type of the {name} parameter")
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    def get_int(self, name: str, default: int | None = None, *, required: bool = False) -> int | None:
        if not self._present(name, required):
            return default
        value = self.values[name]
        if isinstance(value, bool):
            raise bad(f"invalid {name} specified")
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise bad(f"invalid {name} specified") from None

    def get_float(self, name: str, default: float | None = None, *, required: bool = False) -> float | None:
        if not self._present(name, required):
            return default
        try:
            return float(self.values[name])
        except (TypeError, ValueError):
            raise bad(f"invalid {name} specified") from None

    def get_bool(self, name: str, default: bool = False) -> bool:
        if not self.has(name):
            return default
        value = self.values[name]
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise bad(f"invalid {name} specified")

    def get_json(self, name: str, default: Any = None, *, required: bool = False) -> Any:
        if not self._present(name, required):
            return default
        value = self.values[name]
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad(f"can't parse {name} JSON object") from None
        return value

    def for_log(self) -> dict[str, Any]:
        """The values as a test reads them: JSON text parsed, uploads summarised."""
        out: dict[str, Any] = {}
        for key, value in self.values.items():
            if isinstance(value, Upload):
                out[key] = f"<upload {value.filename!r}, {len(value.data)} bytes>"
            elif isinstance(value, str) and value[:1] in "[{":
                try:
                    out[key] = json.loads(value)
                except ValueError:
                    out[key] = value
            else:
                out[key] = value
        return out


async def read_request(request: web.Request) -> Params:
    """The parameters of an HTTP call: the query string, updated by a JSON, form or multipart body."""
    values: dict[str, Any] = dict(request.query)
    files: dict[str, Upload] = {}
    content_type = request.content_type if request.body_exists else ""
    if content_type == "application/json":
        try:
            body = json.loads(await request.text() or "{}")
        except ValueError:
            raise bad("can't parse JSON object") from None
        if not isinstance(body, dict):
            raise bad("can't parse JSON object")
        values.update(body)
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                files[key] = values[key] = Upload(value.file.read(), value.filename, value.content_type)
            else:
                values[key] = value
    return Params(values, files, content_type)


async def read_webhook_answer(response: aiohttp.ClientResponse) -> Params | None:
    """A method call returned in a webhook's answer (JSON, or multipart with a "method" field), else None."""
    values: dict[str, Any] = {}
    files: dict[str, Upload] = {}
    if response.content_type == "multipart/form-data":
        async for part in aiohttp.MultipartReader(response.headers, response.content):
            if not isinstance(part, aiohttp.BodyPartReader) or not part.name:
                continue
            if part.filename:
                upload = Upload(bytes(await part.read(decode=True)), part.filename, part.headers.get("Content-Type"))
                files[part.name] = values[part.name] = upload
            else:
                values[part.name] = await part.text()
    else:
        raw = await response.read()
        try:
            parsed = json.loads(raw) if raw.strip() else None
        except ValueError:
            return None
        if isinstance(parsed, dict):
            values = parsed
    return Params(values, files, response.content_type)
