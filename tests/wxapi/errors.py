"""Error answers of the WeChat and WeCom APIs: ``{"errcode": N, "errmsg": "…"}`` with HTTP 200.

The codes are the real ones where the real APIs document them. Where they do not (or the documented
one is vague), this server picks one and says so here:

- ``INVALID_RESPONSE_CODE`` (40098): update_template_card with a response_code that is unknown, used
  before or older than 72 hours;
- ``TASK_ID_EXISTS`` (40058 with its own errmsg): a template_card whose task_id this app used before;
- ``MEMBER_FREQ_LIMIT`` (45009): more than 30 app messages to one member within a minute (the real
  WeCom drops them silently; a test server that says so catches a missing rate limit).
"""

from __future__ import annotations

from typing import Any

SYSTEM_BUSY = -1
INVALID_CREDENTIAL = 40001
INVALID_GRANT_TYPE = 40002
INVALID_OPENID = 40003
INVALID_FILE_TYPE = 40005
INVALID_MEDIA_ID = 40007
INVALID_MESSAGE_TYPE = 40008
INVALID_APPID = 40013
INVALID_ACCESS_TOKEN = 40014
INVALID_TEMPLATE_ID = 40037
INVALID_AGENTID = 40056
INVALID_PARAMETER = 40058
INVALID_RESPONSE_CODE = 40098
INVALID_APPSECRET = 40125
ACCESS_TOKEN_MISSING = 41001
APPID_MISSING = 41002
SECRET_MISSING = 41004
ACCESS_TOKEN_EXPIRED = 42001
REQUIRE_SUBSCRIBE = 43004
EMPTY_POST_DATA = 44002
EMPTY_NEWS_DATA = 44003
EMPTY_CONTENT = 44004
ARTICLE_SIZE_OUT_OF_LIMIT = 45008
MEMBER_FREQ_LIMIT = 45009
OUT_OF_TIME_LIMIT = 45015
OUT_OF_RESPONSE_COUNT = 45047
MENU_NOT_EXIST = 46003
DATA_FORMAT_ERROR = 47001
ARGUMENT_INVALID = 47003
ALL_RECIPIENTS_INVALID = 81013
TASK_ID_EXISTS = INVALID_PARAMETER

ERRMSG: dict[int, str] = {
    SYSTEM_BUSY: "system error",
    INVALID_CREDENTIAL: "invalid credential, access_token is invalid or not latest",
    INVALID_GRANT_TYPE: "invalid grant_type",
    INVALID_OPENID: "invalid openid",
    INVALID_FILE_TYPE: "invalid file type",
    INVALID_MEDIA_ID: "invalid media_id",
    INVALID_MESSAGE_TYPE: "invalid message type",
    INVALID_APPID: "invalid appid",
    INVALID_ACCESS_TOKEN: "invalid access_token",
    INVALID_TEMPLATE_ID: "invalid template_id",
    INVALID_AGENTID: "invalid agentid",
    INVALID_PARAMETER: "invalid parameter",
    INVALID_RESPONSE_CODE: "invalid response_code",
    INVALID_APPSECRET: "invalid appsecret",
    ACCESS_TOKEN_MISSING: "access_token missing",
    APPID_MISSING: "appid missing",
    SECRET_MISSING: "app secret missing",
    ACCESS_TOKEN_EXPIRED: "access_token expired",
    REQUIRE_SUBSCRIBE: "require subscribe",
    EMPTY_POST_DATA: "empty post data",
    EMPTY_NEWS_DATA: "empty news data",
    EMPTY_CONTENT: "empty content",
    ARTICLE_SIZE_OUT_OF_LIMIT: "article size out of limit",
    MEMBER_FREQ_LIMIT: "api freq out of limit",
    OUT_OF_TIME_LIMIT: "response out of time limit or subscription is canceled",
    OUT_OF_RESPONSE_COUNT: "out of response count limit",
    MENU_NOT_EXIST: "menu no exist",
    DATA_FORMAT_ERROR: "data format error",
    ARGUMENT_INVALID: "argument invalid!",
    ALL_RECIPIENTS_INVALID: "user & party & tag all invalid",
}


class WxError(Exception):
    """An error answer; ``detail`` says what exactly was wrong (appended to errmsg, as WeChat's hints are)."""

    def __init__(self, errcode: int, detail: str = "", **extra: Any) -> None:
        self.errcode = errcode
        base = ERRMSG.get(errcode, "error")
        self.errmsg = f"{base} hint: [{detail}]" if detail else base
        self.extra = extra
        super().__init__(f"{errcode} {self.errmsg}")

    def payload(self) -> dict[str, Any]:
        """The JSON body of the answer."""
        return {"errcode": self.errcode, "errmsg": self.errmsg, **self.extra}


def ok(**fields: Any) -> dict[str, Any]:
    """A success answer with its fields."""
    return {"errcode": 0, "errmsg": "ok", **fields}


def bad_format(detail: str) -> WxError:
    """47001 data format error, naming the field."""
    return WxError(DATA_FORMAT_ERROR, detail)
