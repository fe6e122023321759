"""The classifier page's steps (admin accounts only, POST + CSRF): accept or reject a correction, start a
retraining (``bot.model.retrain.Retrainer``, the same gate as ``/retrain``) whose progress the page
polls as JSON, and switch every process to another model version (roll back)."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from yarl import URL

from bot.app.http import MODELS, REDIS, SETTINGS
from bot.channels.console.auth import ACCOUNT
from bot.channels.console.classifier import PATH, STATUS_PATH, classifier_page, hidden, is_admin
from bot.infra import keys
from bot.model.corrections import Corrections, Review
from bot.model.progress import RetrainProgress
from bot.model.retrain import Retrainer
from bot.model.versions import switch_everywhere
from bot.texts import console_classifier as texts

RETRAININGS: web.AppKey[set[asyncio.Task[None]]] = web.AppKey("console_retrainings")
log = logging.getLogger(__name__)


def _back(said: str) -> web.Response:
    location = URL(PATH).with_query(done=said)
    return web.Response(status=303, headers={"Location": str(location)})


async def review(request: web.Request) -> web.StreamResponse:
    """POST /console/classifier/corrections/NUMBER/(accepted|rejected)."""
    decision = {str(Review.ACCEPTED): Review.ACCEPTED, str(Review.REJECTED): Review.REJECTED}.get(
        request.match_info["decision"])
    if not is_admin(request) or decision is None:
        return hidden(request)
    done = await Corrections(request.app[REDIS]).review(request.match_info["number"], decision, request[ACCOUNT].key)
    return _back(texts.REVIEWED if done else texts.NO_SUCH_CORRECTION)


async def _retrain(retrainer: Retrainer, progress: RetrainProgress) -> None:
    try:
        result = await retrainer.run(progress.report)
    except Exception:
        log.exception("retraining started from the console failed")
        await progress.fail(texts.RETRAIN_FAILED)
        return
    if not result.busy:  # a busy answer leaves the running one's progress alone
        await progress.finish(result, "")


async def retrain(request: web.Request) -> web.StreamResponse:
    """POST /console/classifier/retrain: start a retraining in this process (one at a time everywhere)."""
    if not is_admin(request):
        return hidden(request)
    redis = request.app[REDIS]
    if await redis.exists(keys.retrain_lock()):
        return _back(texts.RETRAIN_BUSY)
    progress = RetrainProgress(redis)
    await progress.begin(request[ACCOUNT].key, texts.STARTING)
    task = asyncio.create_task(_retrain(Retrainer(redis, request.app[SETTINGS], request.app[MODELS]), progress))
    request.app[RETRAININGS].add(task)
    task.add_done_callback(request.app[RETRAININGS].discard)
    return _back(texts.STARTING)


async def retrain_status(request: web.Request) -> web.Response:
    """GET /console/api/classifier/retrain: the latest retraining's state, percent, message, result."""
    if not is_admin(request):
        return web.json_response({"ok": False}, status=404)
    status = await RetrainProgress(request.app[REDIS]).read()
    if status["state"] == "done" and status["result"]:
        status["message"] = texts.retrain_result(status["result"])
    return web.json_response({**status, "label": texts.RETRAIN_STATES.get(status["state"], "")})


async def switch(request: web.Request) -> web.StreamResponse:
    """POST /console/classifier/switch (field ``version``): that version becomes current everywhere."""
    if not is_admin(request):
        return hidden(request)
    version = str((await request.post()).get("version", ""))[:100]
    switched = await switch_everywhere(request.app[MODELS], request.app[REDIS], version)
    if switched:
        log.info("console account %s switched the model to %s", request[ACCOUNT].key, version)
    return _back(texts.switched(version) if switched else texts.SWITCH_REFUSED)


async def _stop_retrainings(app: web.Application) -> None:
    running = app[RETRAININGS]
    for task in list(running):
        task.cancel()


def add_classifier_routes(app: web.Application) -> None:
    """Mount the classifier page, its steps and its status endpoint (behind the console's guard)."""
    app[RETRAININGS] = set()
    app.on_shutdown.append(_stop_retrainings)
    app.router.add_get(PATH, classifier_page, name="console-classifier")
    app.router.add_get(STATUS_PATH, retrain_status)
    app.router.add_post(f"{PATH}/retrain", retrain)
    app.router.add_post(f"{PATH}/switch", switch)
    app.router.add_post(f"{PATH}/corrections/{{number}}/{{decision}}", review)
