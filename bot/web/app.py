"""The aiohttp application: state in ``web.AppKey``s, handlers that validate at the edge."""

from __future__ import annotations

from aiohttp import web

from bot.config import Settings
from nlp.artifact import ModelMetadata
from nlp.classifier import TextClassifier

SETTINGS = web.AppKey("settings", Settings)
CLASSIFIER = web.AppKey("classifier", TextClassifier)
MODEL_METADATA = web.AppKey("model_metadata", ModelMetadata)


async def healthz(request: web.Request) -> web.Response:
    """200 when a model is loaded (and, from the tickets issue on, Redis answers); 503 otherwise."""
    metadata = request.app.get(MODEL_METADATA)
    if request.app.get(CLASSIFIER) is None or metadata is None:
        return web.json_response({"status": "unavailable", "model": None}, status=503)
    return web.json_response({"status": "ok", "model": metadata.version})


def build_app(settings: Settings, classifier: TextClassifier, metadata: ModelMetadata) -> web.Application:
    """The HTTP application with everything it serves."""
    app = web.Application(client_max_size=1024 * 1024)
    app[SETTINGS] = settings
    app[CLASSIFIER] = classifier
    app[MODEL_METADATA] = metadata
    app.router.add_get("/healthz", healthz)
    return app
