"""Calls to the WeChat and WeCom APIs: the access token added, their error codes turned into exceptions.

Both APIs answer HTTP 200 with ``{"errcode": N, "errmsg": …}``; 0 is success. An invalid token
(40001, 40014, 42001) is refreshed at once (:class:`bot.channels.weixin.tokens.AccessTokens`) and the
call made again, once. A call that got no answer (a timeout, a broken connection) raises
:class:`WeixinUnanswered`: it may have taken effect. A 5xx answer, or one that is not JSON, is -1 (busy).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp

from bot.channels.weixin.tokens import AccessTokens, Fetch

T = TypeVar("T")
TOKEN_INVALID = frozenset({40001, 40014, 42001})
BUSY = -1
MAX_ANSWER = 256 * 1024  # a JSON answer; media downloads have their own limit


class WeixinError(Exception):
    """The API refused the call."""

    def __init__(self, errcode: int, errmsg: str = "") -> None:
        super().__init__(f"{errcode} {errmsg}".strip())
        self.errcode = errcode
        self.errmsg = errmsg


class WeixinUnanswered(Exception):
    """No answer came (timeout or broken connection): the call may have taken effect."""


def _json_body(payload: dict[str, Any]) -> bytes:
    # WeChat shows \\uXXXX escapes literally in some messages: send UTF-8 as it is.
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _checked(answer: Any) -> dict[str, Any]:
    if not isinstance(answer, dict):
        raise WeixinError(BUSY, "not a JSON object")
    errcode = answer.get("errcode", 0)
    if errcode not in (0, None):
        raise WeixinError(int(errcode) if isinstance(errcode, int) else BUSY, str(answer.get("errmsg", "")))
    return answer


async def _read_json(response: aiohttp.ClientResponse) -> dict[str, Any]:
    if response.status >= 500:
        raise WeixinError(BUSY, f"HTTP {response.status}")
    body = await response.content.read(MAX_ANSWER + 1)
    if len(body) > MAX_ANSWER:
        raise WeixinError(BUSY, "answer too large")
    try:
        return _checked(json.loads(body))
    except ValueError:
        raise WeixinError(BUSY, f"HTTP {response.status}, not JSON") from None


class WeixinApi:
    """One account's API client."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, tokens: AccessTokens, timeout: float = 10.0) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.tokens = tokens
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    async def post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST ``payload`` as JSON to ``path``; the answer's fields."""
        return await self._with_token(lambda token: self._call("POST", path, {"access_token": token}, payload))

    async def get(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        """GET ``path``; the answer's fields."""
        return await self._with_token(lambda token: self._call("GET", path, {**(params or {}), "access_token": token}))

    async def upload(self, path: str, params: dict[str, str], filename: str, data: bytes,
                     content_type: str) -> dict[str, Any]:
        """POST ``data`` as the multipart field ``media`` (media/upload); the answer's fields."""
        async def send(token: str) -> dict[str, Any]:
            form = aiohttp.FormData()
            form.add_field("media", data, filename=filename, content_type=content_type)
            try:
                async with self.session.post(f"{self.base_url}{path}", params={**params, "access_token": token},
                                             data=form, timeout=self.timeout) as response:
                    return await _read_json(response)
            except (TimeoutError, aiohttp.ClientError) as err:
                raise WeixinUnanswered(str(err) or type(err).__name__) from None
        return await self._with_token(send)

    async def download(self, path: str, params: dict[str, str], limit_bytes: int) -> bytes:
        """The bytes ``path`` serves (media/get); a JSON answer is the API's refusal."""
        async def fetch(token: str) -> bytes:
            try:
                async with self.session.get(f"{self.base_url}{path}", params={**params, "access_token": token},
                                            timeout=self.timeout) as response:
                    kind = response.headers.get("Content-Type", "")
                    if response.status >= 500:
                        raise WeixinError(BUSY, f"HTTP {response.status}")
                    if "json" in kind or "text/plain" in kind:
                        _checked(json.loads(await response.content.read(MAX_ANSWER)))
                        raise WeixinError(BUSY, "no media in the answer")
                    data = await response.content.read(limit_bytes + 1)
                    if len(data) > limit_bytes:
                        raise WeixinError(BUSY, "media too large")
                    return data
            except (TimeoutError, aiohttp.ClientError) as err:
                raise WeixinUnanswered(str(err) or type(err).__name__) from None
            except ValueError:
                raise WeixinError(BUSY, "not JSON") from None
        return await self._with_token(fetch)

    async def _with_token(self, call: Callable[[str], Awaitable[T]]) -> T:
        token = await self.tokens.get()
        try:
            return await call(token)
        except WeixinError as err:
            if err.errcode not in TOKEN_INVALID:
                raise
        await self.tokens.invalid(token)
        return await call(await self.tokens.get())

    async def _call(self, method: str, path: str, params: dict[str, str],
                    payload: dict[str, Any] | None = None) -> dict[str, Any]:
        data = _json_body(payload) if payload is not None else None
        headers = {"Content-Type": "application/json; charset=utf-8"} if data is not None else None
        try:
            async with self.session.request(method, f"{self.base_url}{path}", params=params, data=data,
                                            headers=headers, timeout=self.timeout) as response:
                return await _read_json(response)
        except (TimeoutError, aiohttp.ClientError) as err:
            raise WeixinUnanswered(str(err) or type(err).__name__) from None


def wechat_token_fetcher(session: aiohttp.ClientSession, base_url: str, app_id: str, secret: str,
                         timeout: float = 10.0) -> Fetch:
    """The Official Account's token from the stable-token endpoint (it does not invalidate other tokens
    of the account unless forced)."""
    async def fetch(force: bool) -> tuple[str, int]:
        payload = {"grant_type": "client_credential", "appid": app_id, "secret": secret, "force_refresh": force}
        answer = await _fetch(session, "POST", f"{base_url.rstrip('/')}/cgi-bin/stable_token", timeout, payload=payload)
        return str(answer["access_token"]), int(answer.get("expires_in", 7200))
    return fetch


def wecom_token_fetcher(session: aiohttp.ClientSession, base_url: str, corp_id: str, secret: str,
                        timeout: float = 10.0) -> Fetch:
    """The WeCom app's token (``gettoken``: the same token until it expires)."""
    async def fetch(force: bool) -> tuple[str, int]:
        answer = await _fetch(session, "GET", f"{base_url.rstrip('/')}/cgi-bin/gettoken", timeout,
                              params={"corpid": corp_id, "corpsecret": secret})
        return str(answer["access_token"]), int(answer.get("expires_in", 7200))
    return fetch


async def _fetch(session: aiohttp.ClientSession, method: str, url: str, timeout: float,
                 params: dict[str, str] | None = None, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    data = _json_body(payload) if payload is not None else None
    try:
        async with session.request(method, url, params=params, data=data, timeout=aiohttp.ClientTimeout(total=timeout),
                                   headers={"Content-Type": "application/json"} if data else None) as response:
            answer = await _read_json(response)
    except (TimeoutError, aiohttp.ClientError) as err:
        raise WeixinUnanswered(str(err) or type(err).__name__) from None
    if "access_token" not in answer:
        raise WeixinError(BUSY, "no access_token in the answer")
    return answer
