"""The WeCom app API: access token, app messages, template-card updates (cards: :mod:`.cards`).

- ``GET /cgi-bin/gettoken?corpid=&corpsecret=``: the same token while valid; wrong corpid 40013,
  wrong secret 40001.
- ``POST /cgi-bin/message/send`` {touser "a|b", msgtype text|markdown|image|template_card, agentid}
  → {errcode 0, invaliduser, msgid, response_code (interactive cards)}; another agentid 40056; unknown
  members listed in ``invaliduser``, all unknown 81013; over the per-member limit 45009. A card's
  ``task_id`` is the app's for good: sending it again is 40058 ``task_id exist`` (also after a
  ``timeout`` fault delivered it: a retry of a card must be told apart from a new card).
- ``POST /cgi-bin/message/update_template_card`` {userids | atall, agentid, response_code,
  button: {replace_name} | template_card: {…}}: applied to the recipients' cards; a response code
  unknown, used or expired is 40098.
"""

from __future__ import annotations

import copy
from typing import Any

from .app import Call, Endpoint
from .cards import INTERACTIVE, ResponseCode, validate_card
from .errors import (
    ALL_RECIPIENTS_INVALID,
    EMPTY_CONTENT,
    INVALID_AGENTID,
    INVALID_APPID,
    INVALID_CREDENTIAL,
    INVALID_MEDIA_ID,
    INVALID_MESSAGE_TYPE,
    INVALID_PARAMETER,
    SECRET_MISSING,
    WxError,
    ok,
)
from .media import media_get, media_upload
from .state import State


async def gettoken(state: State, call: Call) -> dict[str, Any]:
    corpid, secret = call.query.get("corpid"), call.query.get("corpsecret")
    if corpid != state.app.corp_id:
        raise WxError(INVALID_APPID, "invalid corpid")
    if not secret:
        raise WxError(SECRET_MISSING, "corpsecret missing")
    if secret != state.app.secret:
        raise WxError(INVALID_CREDENTIAL, "invalid corpsecret")
    token = state.tokens.issue("wecom", corpid, force=False, endpoint="gettoken")
    return ok(access_token=token.value, expires_in=max(0, int(token.expires_at - state.clock())))


def _check_agent(state: State, p: dict[str, Any]) -> None:
    agentid = p.get("agentid")
    if str(agentid) != str(state.app.agent_id):
        raise WxError(INVALID_AGENTID, f"agentid {agentid!r}")


def _check_content(state: State, p: dict[str, Any]) -> str:
    msgtype = p.get("msgtype")
    content = p.get(msgtype) if isinstance(msgtype, str) else None
    if msgtype not in ("text", "markdown", "image", "template_card") or not isinstance(content, dict):
        raise WxError(INVALID_MESSAGE_TYPE, f"{msgtype!r} with its {msgtype} object")
    if msgtype in ("text", "markdown") and not str(content.get("content") or "").strip():
        raise WxError(EMPTY_CONTENT)
    if msgtype == "image" and content.get("media_id") not in state.media.items:
        raise WxError(INVALID_MEDIA_ID)
    if msgtype == "template_card":
        validate_card(content)
    return msgtype


def _recipients(state: State, p: dict[str, Any]) -> tuple[list[str], list[str]]:
    touser = p.get("touser")
    if not isinstance(touser, str):
        raise WxError(ALL_RECIPIENTS_INVALID, "touser missing")
    userids = sorted(state.members.known) if touser == "@all" else [u for u in touser.split("|") if u]
    valid, invalid = state.members.split(list(dict.fromkeys(userids)))
    if not valid:
        raise WxError(ALL_RECIPIENTS_INVALID, invaliduser="|".join(invalid))
    return valid, invalid


async def message_send(state: State, call: Call) -> dict[str, Any]:
    p = call.body()
    _check_agent(state, p)
    msgtype = _check_content(state, p)
    valid, invalid = _recipients(state, p)
    card = p.get("template_card") if msgtype == "template_card" else None
    interactive = card is not None and card["card_type"] in INTERACTIVE
    if interactive:
        state.cards.check_task(card["task_id"])
    state.members.take_sends(valid)
    if interactive:
        state.cards.claim_task(card["task_id"])
    msgid = f"msg{state.next_msgid()}"
    for userid in valid:
        entry = {"kind": "app", "msgtype": msgtype, "payload": p, "msgid": msgid, "time": state.clock(),
                 "answered": not call.unanswered}
        if card is not None:
            entry.update(card=copy.deepcopy(card), task_id=card.get("task_id"), replace_name=None, updates=[])
        state.mailbox.deliver("wecom", userid, entry)
        if interactive:
            state.cards.entries[card["task_id"]].append(entry)
    answer = ok(invaliduser="|".join(invalid), msgid=msgid)
    if interactive:
        answer["response_code"] = state.cards.new_code(card["task_id"], None)
    return answer


def _update_targets(state: State, p: dict[str, Any], code: ResponseCode) -> tuple[list[dict[str, Any]], list[str]]:
    entries = state.cards.entries.get(code.task_id, [])
    userids = p.get("userids")
    if p.get("atall"):
        return entries, []
    if isinstance(userids, list) and userids:
        chosen = [e for e in entries if e["to"] in userids]
        return chosen, [str(u) for u in userids if u not in {e["to"] for e in chosen}]
    if code.userid is not None:
        return [e for e in entries if e["to"] == code.userid], []
    return entries, []


def _new_look(p: dict[str, Any]) -> tuple[str | None, dict[str, Any] | None]:
    """(replace_name, None) for a button update, (None, card) for a whole new card."""
    button = p.get("button")
    if isinstance(button, dict):
        name = button.get("replace_name")
        if not isinstance(name, str) or not name:
            raise WxError(INVALID_PARAMETER, "button.replace_name missing")
        return name, None
    card = p.get("template_card")
    if not isinstance(card, dict):
        raise WxError(INVALID_PARAMETER, "button or template_card required")
    validate_card(card)
    return None, card


async def update_template_card(state: State, call: Call) -> dict[str, Any]:
    p = call.body()
    _check_agent(state, p)
    replace_name, card = _new_look(p)
    code = state.cards.take_code(p.get("response_code"))
    if card is not None and card.get("task_id") not in (None, code.task_id):
        raise WxError(INVALID_PARAMETER, "template_card.task_id differs from the card's")
    targets, invalid = _update_targets(state, p, code)
    for entry in targets:
        entry["updates"].append(p)
        if card is not None:
            entry["card"], entry["replace_name"] = copy.deepcopy(card), None
        else:
            entry["replace_name"] = replace_name
    state.card_updates.append({"task_id": code.task_id, "userids": [e["to"] for e in targets], "payload": p,
                               "answered": not call.unanswered})
    return ok(invaliduser=invalid)


ENDPOINTS: dict[str, Endpoint] = {
    "/cgi-bin/gettoken": Endpoint(gettoken, auth=False),
    "/cgi-bin/message/send": Endpoint(message_send),
    "/cgi-bin/message/update_template_card": Endpoint(update_template_card),
    "/cgi-bin/media/get": Endpoint(media_get),
    "/cgi-bin/media/upload": Endpoint(media_upload),
}
