"""train / eval / classify as an operator uses them: outputs, JSON schemas, saved versioned models."""

import asyncio
import csv
import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from nlp.artifact import SCHEMA_VERSION, current_version, new_version
from tests.conftest import FreshDataDir, run_gridbot, run_gridbot_inline, write_csv


@pytest.fixture(scope="module")
def trained_small(tmp_path_factory: pytest.TempPathFactory, small_dataset: Path) -> tuple[Path, dict]:
    """`gridbot train --data small.csv --out DIR --json` on five categories."""
    out = tmp_path_factory.mktemp("models")
    result = run_gridbot(["train", "--data", str(small_dataset), "--out", str(out), "--json"], out / "var")
    assert result.status == 0, result.err
    return out, json.loads(result.out)


def test_train_reports_heldout_metrics_and_saves_a_current_version(trained_small: tuple[Path, dict]) -> None:
    out, report = trained_small
    assert report["n_test"] >= 5
    assert 0.6 <= report["metrics"]["macro_f1"] <= 1.0
    version = current_version(out)
    assert version == report["version"]
    metadata = json.loads((out / version / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["schema_version"] == SCHEMA_VERSION
    assert metadata["labels"] == ["labor", "market", "municipal", "noise", "traffic"]
    assert len(metadata["data_sha256"]) == 64
    assert metadata["metrics"]["macro_f1"] == report["metrics"]["macro_f1"]


def test_train_prints_a_readable_report(tmp_path: Path, small_dataset: Path) -> None:
    result = run_gridbot(["train", "--data", str(small_dataset), "--out", str(tmp_path)], tmp_path)
    assert result.status == 0, result.err
    assert "macro-F1=" in result.out
    assert "confusion matrix" in result.out
    assert "市政设施" in result.out  # names come from categories.yaml


def test_train_ignores_extra_columns(tmp_path: Path, corpus_rows: list[dict[str, str]],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = [row for label in ("noise", "traffic") for row in [r for r in corpus_rows if r["label"] == label][::20][:15]]
    rows = [{"id": str(number), **row} for number, row in enumerate(chosen)]
    data = write_csv(tmp_path / "other.csv", rows, ("id", "text", "label", "urgent"))
    result = run_gridbot_inline(["train", "--data", str(data), "--out", str(tmp_path / "m"), "--json"], tmp_path,
                                monkeypatch)
    assert result.status == 0, result.err
    assert sorted(json.loads(result.out)["metrics"]["per_class"]) == sorted({row["label"] for row in chosen})


def test_a_worse_model_is_saved_but_the_current_one_stays(tmp_path: Path, small_dataset: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Training on data that teaches less (here: the labels shuffled) must not replace a better model."""
    models = tmp_path / "models"
    train = ["train", "--out", str(models), "--json"]
    good = json.loads(run_gridbot_inline([*train, "--data", str(small_dataset)], tmp_path, monkeypatch).out)
    assert good["current"] is True and good["previous"] is None and current_version(models) == good["version"]

    with open(small_dataset, encoding="utf-8", newline="") as src:
        rows = list(csv.DictReader(src))
    labels = [row["label"] for row in rows]
    random.Random(7).shuffle(labels)
    shuffled = write_csv(tmp_path / "shuffled.csv", [{**row, "label": label} for row, label in zip(rows, labels)])
    refused = run_gridbot_inline(["train", "--out", str(models), "--data", str(shuffled)], tmp_path, monkeypatch)
    assert refused.status == 0, refused.err
    assert current_version(models) == good["version"]
    last = refused.out.strip().splitlines()[-1]
    assert last.startswith(f"{good['version']} stays the current model: the new one scores lower")
    assert "--force" in last
    assert len([p for p in models.iterdir() if p.is_dir() and not p.name.startswith(".")]) == 2  # saved, not current

    forced = json.loads(run_gridbot_inline([*train, "--data", str(shuffled), "--force"], tmp_path, monkeypatch).out)
    assert forced["current"] is True and forced["previous"] == good["version"]
    assert forced["metrics"]["macro_f1"] < forced["previous_macro_f1"] == good["metrics"]["macro_f1"]
    assert current_version(models) == forced["version"]


def test_eval_json_has_the_documented_keys(trained_small: tuple[Path, dict], small_dataset: Path) -> None:
    out, _ = trained_small
    result = run_gridbot(["eval", "--data", str(small_dataset), "--model", str(out), "--json"], out / "var")
    assert result.status == 0, result.err
    metrics = json.loads(result.out)
    assert metrics["n"] == 300
    assert 0.0 <= metrics["accuracy"] <= 1.0 and 0.0 <= metrics["macro_f1"] <= 1.0
    assert set(metrics["per_class"]["noise"]) == {"precision", "recall", "f1", "support"}
    assert metrics["per_class"]["noise"]["support"] == 60
    matrix = metrics["confusion"]["matrix"]
    assert len(matrix) == len(metrics["confusion"]["labels"]) and sum(map(sum, matrix)) == 300


def test_classify_json_gives_one_object_per_text_in_order(trained_small: tuple[Path, dict]) -> None:
    out, _ = trained_small
    texts = ["楼上半夜装修电钻声吵得睡不着", "老板拖欠我们三个月工资不发"]
    result = run_gridbot(["classify", "--model", str(out), "--json", *texts], out / "var")
    assert result.status == 0, result.err
    objects = [json.loads(line) for line in result.out.splitlines()]
    assert [o["text"] for o in objects] == texts
    assert [o["category"] for o in objects] == ["noise", "labor"]
    first = objects[0]
    assert first["name"] == "噪音扰民"
    assert 0.0 < first["confidence"] <= 1.0
    assert len(first["top"]) == 3 and first["top"][0]["category"] == "noise"
    assert [t["score"] for t in first["top"]] == sorted((t["score"] for t in first["top"]), reverse=True)
    assert first["urgent"] is False


def test_classify_reads_a_file_and_standard_input(trained_small: tuple[Path, dict], tmp_path: Path) -> None:
    out, _ = trained_small
    lines = ["路口的红绿灯坏了", "", "超市卖过期面包"]
    path = tmp_path / "in.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    from_file = run_gridbot(["classify", "--model", str(out), "--json", "--file", str(path)], out / "var")
    from_stdin = run_gridbot(["classify", "--model", str(out), "--json", "--file", "-"], out / "var",
                             stdin="\n".join(lines) + "\n")
    for result in (from_file, from_stdin):
        objects = [json.loads(line) for line in result.out.splitlines()]
        assert [o.get("category") for o in objects] == ["traffic", None, "market"]
        assert objects[1]["error"] == "message 2 is empty"
        assert result.status == 1  # one line could not be classified


def test_fresh_data_dir_trains_the_default_model_and_answers_municipal(fresh_data_dir: FreshDataDir) -> None:
    result = fresh_data_dir.first_classify
    assert result.status == 0, result.err
    assert result.out.split("\t")[:2] == ["municipal", "市政设施"]
    assert current_version(fresh_data_dir.path / "models") is not None


def test_urgent_message_prints_the_numbers_to_call(fresh_data_dir: FreshDataDir) -> None:
    result = run_gridbot(["classify", "--json", "我家楼下着火了，烟很大"], fresh_data_dir.path)
    answer = json.loads(result.out)
    assert answer["urgent"] is True and answer["category"] == "safety"
    assert "119" in answer["emergency_numbers"]


def test_the_one_message_path_agrees_with_the_batch_path(trained_small: tuple[Path, dict],
                                                          corpus_rows: list[dict[str, str]]) -> None:
    """The service classifies one message at a time (a per-process memo of feature → column); `gridbot
    eval` and training score batches. Both must give the same answer, including for text never seen."""
    from nlp.artifact import load_model

    classifier, _ = load_model(trained_small[0])
    texts = [row["text"] for row in corpus_rows[::40]] + ["楼道灯不亮了", "啊啊啊啊", "🙂", "x" * 300]
    batch = classifier.classify_many(texts)
    one_by_one = [classifier.classify(text) for text in texts]
    assert [p.category for p in one_by_one] == [p.category for p in batch]
    for single, batched in zip(one_by_one, batch, strict=True):
        assert [label for label, _ in single.top] == [label for label, _ in batched.top]
        assert [score for _, score in single.top] == pytest.approx([score for _, score in batched.top], abs=1e-3)
        assert single.urgent == batched.urgent


async def test_requests_classified_at_the_same_moment_each_get_their_own_answer(
        trained_small: tuple[Path, dict], corpus_rows: list[dict[str, str]]) -> None:
    """Under load the service classifies the requests in hand as one batch (cheaper per message); each
    request must still get the answer for its own text, in a batch or alone."""
    from nlp.artifact import load_model

    from bot.model.holder import BATCH_FROM, ModelHolder

    classifier, metadata = load_model(trained_small[0])
    holder = ModelHolder(classifier, metadata, trained_small[0])
    texts = [row["text"] for row in corpus_rows[::250]]  # every category, in corpus order
    assert len(texts) > BATCH_FROM and len({row["label"] for row in corpus_rows[::250]}) > 5
    together = await asyncio.gather(*(holder.classify_together(text) for text in texts))
    few = await asyncio.gather(*(holder.classify_together(text) for text in texts[: BATCH_FROM - 1]))
    expected = [classifier.classify(text) for text in texts]
    assert [p.category for p in together] == [p.category for p in expected]
    assert [p.category for p in few] == [p.category for p in expected[: BATCH_FROM - 1]]
    assert [p.urgent for p in together] == [p.urgent for p in expected]


async def test_a_message_that_cannot_be_classified_fails_alone_not_its_batch(
        trained_small: tuple[Path, dict], corpus_rows: list[dict[str, str]]) -> None:
    from nlp.artifact import load_model

    from bot.model.holder import BATCH_FROM, ModelHolder

    classifier, metadata = load_model(trained_small[0])
    holder = ModelHolder(classifier, metadata, trained_small[0])
    texts: list = [row["text"] for row in corpus_rows[::500]][: BATCH_FROM + 2]
    texts.insert(2, None)  # not text at all: the batch path fails on it, and so does the one-message path
    results = await asyncio.gather(*(holder.classify_together(text) for text in texts), return_exceptions=True)
    assert isinstance(results[2], AttributeError)  # None has no .translate: the text never got through
    good = [text for text in texts if text is not None]
    assert [p.category for p in results if not isinstance(p, Exception)] == [classifier.classify(t).category
                                                                              for t in good]


def test_the_same_data_trained_twice_in_one_second_gets_two_versions() -> None:
    """`train` then `train --force` on the same file can land in the same second: each needs its own name."""
    moment = datetime(2026, 12, 1, 19, 46, 30, tzinfo=UTC)
    assert new_version("7f60a4a1" * 8, moment) != new_version("7f60a4a1" * 8, moment)
    assert new_version("7f60a4a1" * 8, moment).startswith("20261201-194630-7f60a4a1")
