"""``gridbot train``, ``gridbot eval`` and ``gridbot classify``."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

from typing import TYPE_CHECKING

from nlp.artifact import ModelMetadata, load_model
from nlp.dataset import MIN_ROWS_PER_LABEL, Dataset, read_labelled_csv
from nlp.natures import nature_name
from nlp.progress import TRAINING_STEPS
from nlp.taxonomy import Taxonomy, TaxonomyError, load_taxonomy

from bot.cli.support import CliError, print_json, step_progress, warn
from bot.app.config import Settings

if TYPE_CHECKING:
    from nlp.classifier import Prediction, TextClassifier
    from nlp.parts import Part

    from bot.model.store import Trained

# The model stack (scikit-learn, scipy) is imported by the commands that use it, so that `--help` and
# the other commands start fast.


def register(commands: argparse._SubParsersAction) -> None:
    """Add the classifier commands to the ``gridbot`` parser."""
    train = commands.add_parser("train", help="train a classifier and save a new model version")
    train.add_argument("--data", type=Path, help="UTF-8 CSV with columns text,label (default: shipped corpus)")
    train.add_argument("--out", type=Path, help="models directory (default: DATA_DIR/models)")
    train.add_argument("--force", action="store_true",
                       help="make the new model current even if its held-out macro-F1 is lower than the current one's")
    train.add_argument("--json", action="store_true", help="print the result as JSON")
    train.set_defaults(handler=run_train)

    ev = commands.add_parser("eval", help="evaluate a model on labelled data")
    ev.add_argument("--data", type=Path, required=True, help="UTF-8 CSV with columns text,label")
    ev.add_argument("--model", type=Path, help="model directory (default: the current model)")
    ev.add_argument("--json", action="store_true", help="print the metrics as JSON")
    ev.set_defaults(handler=run_eval)

    classify = commands.add_parser("classify", help="classify messages")
    classify.add_argument("texts", nargs="*", metavar="TEXT", help="messages to classify")
    classify.add_argument("--file", help="read one message per line from FILE ('-' for standard input)")
    classify.add_argument("--model", type=Path, help="model directory (default: the current model)")
    classify.add_argument("--json", action="store_true", help="one JSON object per line")
    classify.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                          help="processes classifying a --file at once (default: the CPUs, at most 8)")
    classify.set_defaults(handler=run_classify)


def _jobs(value: str) -> int:
    """``--jobs``: a whole number from 1 to the most workers."""
    from bot.cli.bulk_workers import MAX_WORKERS

    if not value.isdigit() or not 1 <= int(value) <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_WORKERS}, not {value!r}")
    return int(value)


def _taxonomy(settings: Settings) -> Taxonomy | None:
    try:
        return load_taxonomy(settings.taxonomy_path)
    except TaxonomyError:
        return None


def _model(settings: Settings, path: Path | None) -> tuple[TextClassifier, ModelMetadata]:
    from bot.model.store import load_or_train_default

    if path is not None:
        return load_model(path)
    with step_progress(TRAINING_STEPS, "training the default model") as progress:
        return load_or_train_default(settings, progress)


def _read_labelled(settings: Settings, path: Path, *, to_train: bool) -> Dataset:
    """A labelled CSV whose labels are all categories of the taxonomy (and, to train, enough of each)."""
    taxonomy = load_taxonomy(settings.taxonomy_path)
    return read_labelled_csv(path, require_labels=to_train, categories=taxonomy.codes,
                             categories_file=str(settings.taxonomy_path))


def run_train(args: argparse.Namespace, settings: Settings) -> int:
    """Train, print held-out metrics, save a versioned model; it becomes current if not worse (or --force)."""
    from bot.model.store import train_and_save

    dataset = _read_labelled(settings, args.data or settings.corpus_path, to_train=True)
    out_dir = args.out or settings.models_dir
    with step_progress(TRAINING_STEPS, "training") as progress:
        trained = train_and_save(settings, dataset, out_dir, progress=progress, force=args.force)
    result, metadata, verdict = trained.result, trained.metadata, trained.verdict
    if args.json:
        print_json({"version": metadata.version, "path": str(trained.path), "n_train": result.n_train,
                    "n_test": result.n_test, "seconds": result.seconds, "metrics": result.metrics,
                    "current": trained.current, "previous": verdict.old_version or None,
                    "previous_macro_f1": verdict.old_macro_f1, "previous_nature_macro_f1": verdict.old_nature_f1})
        return 0
    print(f"trained {metadata.version} on {result.n_train} messages in {result.seconds:.1f} s; saved to {trained.path}")
    print(f"held-out split of {result.n_test} messages:")
    _print_metrics(result.metrics, _taxonomy(settings))
    print(_verdict_line(trained))
    return 0


def _verdict_line(trained: Trained) -> str:
    """Whether the new model is now current, and against what."""
    verdict, version = trained.verdict, trained.metadata.version
    if verdict.old_macro_f1 is None:
        return f"{version} is now the current model"
    compared = f"held-out macro-F1: new {verdict.new_macro_f1:.4f}, {verdict.old_version} {verdict.old_macro_f1:.4f}"
    if verdict.old_nature_f1 is not None or verdict.new_nature_f1 is not None:
        compared += f"; nature macro-F1: new {_figure(verdict.new_nature_f1)}, {verdict.old_version} {_figure(verdict.old_nature_f1)}"
    if verdict.go_live:
        return f"{version} is now the current model ({compared})"
    if trained.current:
        return f"{version} is now the current model although it scores lower (--force; {compared})"
    return (f"{verdict.old_version} stays the current model: the new one scores lower{' on natures' * verdict.worse_on_natures} ({compared}); "
            f"to use {version} anyway, train again with --force")


def _figure(value: float | None) -> str:
    return "none" if value is None else f"{value:.4f}"


def run_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Score a model on a labelled CSV."""
    from nlp.metrics import evaluate, nature_scores

    dataset = _read_labelled(settings, args.data, to_train=False)
    for label, count in dataset.thin_labels():
        warn(f"{args.data}: only {count} row{'s' * (count > 1)} of {label!r} (at least {MIN_ROWS_PER_LABEL} "
             f"make a score that means something)")
    classifier, metadata = _model(settings, args.model)
    labels = sorted(set(classifier.labels) | set(dataset.labels))
    predictions = classifier.classify_many(dataset.texts)
    metrics = evaluate(dataset.labels, [p.category for p in predictions], labels)
    if dataset.natures is not None and classifier.natures:
        nature = nature_scores(dataset.natures, [p.nature for p in predictions], classifier.natures)
        if nature is not None:
            metrics["nature"] = nature
    if args.json:
        print_json(metrics)
        return 0
    print(f"model {metadata.version} on {args.data}:")
    _print_metrics(metrics, _taxonomy(settings))
    return 0


def _print_metrics(metrics: dict[str, Any], taxonomy: Taxonomy | None) -> None:
    print(f"  n={metrics['n']}  accuracy={metrics['accuracy']:.4f}  macro-F1={metrics['macro_f1']:.4f}")
    urgency = metrics.get("urgency")
    if urgency and urgency.get("recall") is not None:
        print(f"  urgency: recall={urgency['recall']:.4f} on {urgency['urgent']} urgent, "
              f"false urgent rate={urgency['false_urgent_rate']:.4f}")
    _print_table(metrics, category_names(taxonomy).__getitem__)
    nature = metrics.get("nature")
    if isinstance(nature, dict):
        print(f"  nature (诉求性质): n={nature['n']}  accuracy={nature['accuracy']:.4f}  "
              f"macro-F1={nature['macro_f1']:.4f}")
        _print_table(nature, nature_name)


def _print_table(metrics: dict[str, Any], name_of: Callable[[str], str]) -> None:
    """Per-class scores and the confusion matrix of one axis (categories or natures)."""
    print(f"  {'label':<14}{'name':<8}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}")
    for label, scores in metrics["per_class"].items():
        name = name_of(label)
        print(f"  {label:<14}{name:<8}{scores['precision']:>10.3f}{scores['recall']:>8.3f}"
              f"{scores['f1']:>8.3f}{scores['support']:>9d}")
    labels = metrics["confusion"]["labels"]
    print("  confusion matrix (rows: true, columns: predicted, in label order above):")
    for label, row in zip(labels, metrics["confusion"]["matrix"]):
        print(f"  {label:<14}" + " ".join(f"{count:>4d}" for count in row))


def _input_texts(args: argparse.Namespace) -> Iterator[str]:
    if args.file is not None and args.texts:
        raise CliError("give messages as arguments or with --file, not both")
    if args.file is None:
        if not args.texts:
            raise CliError("nothing to classify: give TEXT arguments or --file FILE")
        for number, text in enumerate(args.texts, 1):
            if not _is_unicode(text):  # bytes that are not UTF-8 reach argv as lone surrogates
                raise CliError(f"message {number} is not UTF-8 text")
            yield text
        return
    if args.file == "-":
        raw = getattr(sys.stdin, "buffer", None)  # None: a text stream put in its place (embedding, tests)
        stdin = io.TextIOWrapper(raw, encoding="utf-8-sig") if raw is not None else sys.stdin
        yield from _lines(stdin, "standard input: not UTF-8 text")
        return
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"{path}: file not found")
    with open(path, encoding="utf-8-sig") as src:
        yield from _lines(src, f"{path}: not UTF-8 text; save the file as UTF-8")


def _lines(source: TextIO, not_utf8: str) -> Iterator[str]:
    """The lines of ``source`` without their ends; the error ``not_utf8`` where it stops being UTF-8."""
    try:
        for line in source:
            yield line.rstrip("\r\n")
    except UnicodeDecodeError:
        raise CliError(not_utf8) from None


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class CategoryNames(dict[str, str]):
    """Category code → Chinese name in one lookup (classify --file names four categories a message); a code
    outside the taxonomy is its own name."""

    def __missing__(self, code: str) -> str:
        return code


def category_names(taxonomy: Taxonomy | None) -> CategoryNames:
    """The names of ``taxonomy``'s categories (none: every code is its own name)."""
    return CategoryNames({c.code: c.name for c in taxonomy.categories} if taxonomy else {})


def prediction_json(text: str, prediction: Prediction, names: Mapping[str, str],
                    parts: list[Part] | None = None) -> dict[str, Any]:
    """The JSON object ``classify --json`` prints for one message (``names``: :func:`category_names`;
    ``parts``: the requests it holds, from :mod:`nlp.parts`; None: one, the message itself)."""
    found = [(p.text, p.prediction) for p in parts] if parts else [(text, prediction)]
    return {
        "text": text,
        "category": prediction.category,
        "name": names[prediction.category],
        "confidence": prediction.confidence,
        "top": [{"category": c, "name": names[c], "score": s} for c, s in prediction.top],
        "urgent": prediction.urgency.urgent,
        "emergency_numbers": list(prediction.urgency.services),
        "nature": prediction.nature,
        "nature_name": nature_name(prediction.nature),
        "nature_confidence": prediction.nature_confidence,
        "parts": [{"text": t, "category": p.category, "name": names[p.category],
                   "confidence": round(p.confidence, 4), "urgent": p.urgency.urgent} for t, p in found],
    }


def run_classify(args: argparse.Namespace, settings: Settings) -> int:
    """Classify each message; one line (or JSON object) per message, in input order, in batches."""
    from bot.cli import bulk, bulk_workers

    texts = _input_texts(args)
    first = next(texts, None)  # input errors surface before a model is trained or loaded
    classifier, _ = _model(settings, args.model)
    from bot.model.holder import keep_out_of_gc
    from nlp.parts import find_parts_many

    keep_out_of_gc()  # the model is never garbage: sweeps over it cost a fifth of a file's time

    names = category_names(_taxonomy(settings))

    def as_text(chunk: list[str], predictions: list[Prediction | None], first_number: int) -> str:
        return "".join(f"-\t{bulk.empty_line(first_number + i)}\n" if p is None else _text_line(text, p, names)
                       for i, (text, p) in enumerate(zip(chunk, predictions)))

    def as_json(chunk: list[str], predictions: list[Prediction | None], first_number: int) -> str:
        present = [(text, p) for text, p in zip(chunk, predictions) if p is not None]
        # the requests each message holds, the whole chunk's pieces classified together
        parts = iter(find_parts_many(classifier.classify_many, [t for t, _ in present], [p for _, p in present],
                                     classifier.categorize_many))
        return bulk.json_lines(chunk, predictions, first_number,
                               lambda text, p: prediction_json(text, p, names, next(parts)))

    workers = args.jobs or bulk_workers.default_workers()
    try:
        all_good = bulk.stream(classifier, _chain(first, texts), sys.stdout, as_json if args.json else as_text, workers)
    except bulk_workers.WorkerFailed as failed:
        raise CliError(f"{failed}; the lines before it were printed") from None
    return 0 if all_good else 1


def _text_line(text: str, prediction: Prediction, names: Mapping[str, str]) -> str:
    """The tab-separated line ``classify`` prints for one message without ``--json``."""
    top = ", ".join(f"{c} {s:.2f}" for c, s in prediction.top)
    urgent = f"\tURGENT call {'/'.join(prediction.urgency.services)}" if prediction.urgent else ""
    nature = f"\tnature {prediction.nature} {nature_name(prediction.nature)}" if prediction.nature else ""
    return (f"{prediction.category}\t{names[prediction.category]}\t{prediction.confidence:.2f}"
            f"\t[{top}]{urgent}{nature}\t{text}\n")


def _chain(first: str | None, rest: Iterable[str]) -> Iterator[str]:
    if first is not None:
        yield first
    yield from rest
