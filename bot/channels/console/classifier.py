"""The console's classifier page (``/console/classifier``, admin accounts only; anyone else gets 404):
the model versions with their held-out metrics (macro-F1, per-class F1, the confusion matrix as a heat
map), the queue of label corrections to accept or reject, retraining with its progress, and switching
every process to another version. The steps themselves are in ``classifier_actions.py``."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.accounts.scope import Role
from bot.app.http import MODELS, REDIS
from bot.channels.console.auth import ACCOUNT, SESSION
from bot.channels.console.html import csrf_field, esc, page
from bot.channels.console.pages import TICKETS
from bot.channels.console.stats_charts import bar_chart, heat_map
from bot.infra.clock import LOCAL_TIME
from bot.model.corrections import Correction, Corrections, Review
from bot.model.progress import RetrainProgress
from bot.model.versions import Versions, list_versions
from bot.texts import console_classifier as texts
from nlp.artifact import ModelMetadata
from nlp.masking import mask_personal
from nlp.taxonomy import Taxonomy

SHOWN_CORRECTIONS = 200
PATH = "/console/classifier"
STATUS_PATH = "/console/api/classifier/retrain"


def is_admin(request: web.Request) -> bool:
    return request[ACCOUNT].scope.role is Role.ADMIN


def hidden(request: web.Request) -> web.Response:
    """What a non-admin gets for every classifier route: 404, as for a page that does not exist."""
    return page(texts.NOT_FOUND, f"<p>{texts.NOT_FOUND}</p>", request[ACCOUNT], request[SESSION].csrf, 404)


def _form(action: str, csrf: str, label: str, fields: str = "") -> str:
    return (f'<form method="post" action="{PATH}/{action}" class="inline">{csrf_field(csrf)}{fields}'
            f'<button type="submit">{esc(label)}</button></form>')


def _versions(found: Versions, shown: str, csrf: str) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in texts.VERSION_COLUMNS)
    rows = []
    for m in found.all:
        state = " · ".join(s for s, on in ((texts.SERVING, m.version == found.serving),
                                          (texts.CURRENT, m.version == found.current)) if on)
        switch = "" if m.version == found.current else _form(
            "switch", csrf, texts.SWITCH, f'<input type="hidden" name="version" value="{esc(m.version)}">')
        show = f'<a href="{PATH}?version={esc(m.version)}">{texts.SHOW}</a>'
        css = ' class="current"' if m.version == shown else ""
        rows.append(f"<tr{css}><td>{esc(m.version)}</td><td>{esc(m.created_at)}</td><td>{m.n_train}</td>"
                    f"<td>{_f(m.metrics.get('macro_f1'))}</td><td>{_f(m.metrics.get('accuracy'))}</td>"
                    f"<td>{esc(state)}</td><td>{show} {switch}</td></tr>")
    return (f'<h2>{texts.VERSIONS}</h2><table class="figures versions"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _f(value: Any) -> str:
    return f"{float(value):.4f}" if isinstance(value, (int, float)) else "—"


def _nature_line(nature: Any) -> str:
    """The nature classifier's held-out figures ('' for a model without one)."""
    if not isinstance(nature, dict):
        return ""
    return f'<p class="nature">{esc(texts.nature_headline(_f(nature.get("macro_f1")), _f(nature.get("accuracy"))))}</p>'


def metrics_section(metadata: ModelMetadata, taxonomy: Taxonomy) -> str:
    """One version's held-out figures: macro-F1, the per-class table and bars, the confusion heat map."""
    metrics, name = metadata.metrics, taxonomy.name
    per_class: dict[str, dict[str, Any]] = metrics.get("per_class", {})
    head = "".join(f"<th>{esc(h)}</th>" for h in texts.PER_CLASS_COLUMNS)
    rows = "".join(f"<tr><td>{esc(name(label))}</td><td>{_f(s.get('precision'))}</td><td>{_f(s.get('recall'))}</td>"
                   f"<td>{_f(s.get('f1'))}</td><td>{s.get('support', '')}</td></tr>" for label, s in per_class.items())
    bars = bar_chart(texts.PER_CLASS, [(name(label), float(s.get("f1", 0))) for label, s in per_class.items()],
                     fmt=lambda v: f"{v:.2f}", top_value=1.0)
    confusion = metrics.get("confusion", {})
    labels = list(confusion.get("labels", []))
    heat = heat_map(texts.CONFUSION, labels, confusion.get("matrix", []), [name(label) for label in labels]) if labels else ""
    return (f"<h2>{texts.METRICS} · {esc(metadata.version)}</h2>"
            f"<p>{esc(texts.headline(_f(metrics.get('macro_f1')), _f(metrics.get('accuracy')), metrics.get('n', '')))}</p>"
            f"{_nature_line(metrics.get('nature'))}"
            f'<table class="figures"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{bars}{heat}')


def _corrections(found: list[Correction], taxonomy: Taxonomy, csrf: str) -> str:
    shown = sorted(found, key=lambda c: c.review is not Review.PENDING)[:SHOWN_CORRECTIONS]  # pending first
    head = "".join(f"<th>{esc(h)}</th>" for h in texts.CORRECTION_COLUMNS)
    rows = []
    for c in shown:
        forms = "".join(_form(f"corrections/{esc(c.number)}/{decision}", csrf, label)
                        for decision, label in ((Review.ACCEPTED, texts.ACCEPT), (Review.REJECTED, texts.REJECT))
                        if c.review is not decision)
        when = datetime.fromtimestamp(c.at, LOCAL_TIME).strftime("%Y-%m-%d %H:%M")
        rows.append(f'<tr class="{c.review}" data-number="{esc(c.number)}"><td>{esc(c.number)}</td>'
                    f"<td>{esc(mask_personal(c.text)[:80])}</td><td>{esc(taxonomy.name(c.label))}</td>"
                    f"<td>{esc(texts.by_whom(c.by))}"
                    f"</td><td>{when}</td><td>{texts.REVIEWS[c.review]}</td><td>{forms}</td></tr>")
    body = "".join(rows) or f'<tr><td colspan="7">{texts.NO_CORRECTIONS}</td></tr>'
    return (f"<h2>{texts.CORRECTIONS}（{len(found)}）</h2><table class=\"figures corrections\"><thead><tr>{head}"
            f"</tr></thead><tbody>{body}</tbody></table>")


def _retrain(status: dict[str, Any], csrf: str) -> str:
    said = texts.retrain_result(status["result"]) if status["state"] == "done" and status["result"] else status["message"]
    return (f'<h2>{texts.RETRAIN}</h2><p>{texts.RETRAIN_HINT}</p>'
            f'<section id="retrain" data-status="{STATUS_PATH}">'
            f'<progress class="retrain" max="100" value="{status["percent"]}"></progress>'
            f'<p class="retrain-state" role="status">{esc(texts.RETRAIN_STATES.get(status["state"], ""))}'
            f'{" · " + esc(said) if said else ""}</p>{_form("retrain", csrf, texts.RETRAIN)}</section>')


async def classifier_page(request: web.Request) -> web.Response:
    """GET /console/classifier[?version=V]: versions, one version's metrics, corrections, retraining."""
    if not is_admin(request):
        return hidden(request)
    models, csrf, taxonomy = request.app[MODELS], request[SESSION].csrf, request.app[TICKETS].taxonomy
    found = await asyncio.to_thread(list_versions, models.models_dir, models.metadata.version)
    shown = found.find(request.query.get("version", "")) or found.find(found.serving) or models.metadata
    corrections = await Corrections(request.app[REDIS]).all()
    status = await RetrainProgress(request.app[REDIS]).read()
    message = f'<p class="notice" role="status">{esc(request.query["done"])}</p>' if request.query.get("done") else ""
    body = (f'<link rel="stylesheet" href="/console/static/stats.css">{message}<h1>{texts.CLASSIFIER}</h1>'
            f"{_versions(found, shown.version, csrf)}{_retrain(status, csrf)}"
            f"{_corrections(corrections, taxonomy, csrf)}{metrics_section(shown, taxonomy)}")
    return page(texts.CLASSIFIER, body, request[ACCOUNT], csrf, scripts=["/console/static/classifier.js"])
