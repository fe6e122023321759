"""The nature classifier (诉求性质) beside the category: training with and without natures, the dataset's
nature column, the artifact round trip, the retrain gate on both axes, and `classify --json`.

tests/data/nature_sample.csv is a small sample written for these tests (72 messages: 12 of each nature
over three categories)."""

import csv
import json
import pickle
from pathlib import Path

import pytest

from nlp.artifact import ArtifactError, ModelMetadata, load_model, save_model
from nlp.classifier import TextClassifier
from nlp.dataset import DatasetError, read_labelled_csv
from nlp.natures import NATURES
from nlp.training import train_with_heldout
from bot.model.gate import judge
from bot.model.retrain import with_corrections
from tests.conftest import run_gridbot, write_csv

SAMPLE = Path(__file__).parent / "data" / "nature_sample.csv"
CLEAR = {"请问社区服务中心几点开门": "consult", "投诉楼下KTV每晚吵到三点，说了多少次都不改，受不了": "complaint",
         "感谢网格员，路灯当天就修好了，辛苦了": "praise", "建议在小区门口增加几个垃圾桶": "suggestion"}


def sample_rows() -> list[dict[str, str]]:
    with open(SAMPLE, encoding="utf-8", newline="") as src:
        return list(csv.DictReader(src))


@pytest.fixture(scope="module")
def with_natures() -> TextClassifier:
    dataset = read_labelled_csv(SAMPLE)
    return TextClassifier.train(dataset.texts, dataset.labels, urgent=dataset.urgent, natures=dataset.natures)


def metadata_of(classifier: TextClassifier, version: str = "v1", metrics: dict | None = None) -> ModelMetadata:
    return ModelMetadata(version=version, created_at="2026-12-02T00:00:00+00:00", data_sha256="0" * 64,
                         labels=classifier.labels, metrics=metrics or {"macro_f1": 0.9}, n_train=72,
                         natures=classifier.natures)


def test_the_sample_holds_every_nature_at_least_ten_times() -> None:
    dataset = read_labelled_csv(SAMPLE)
    assert dataset.natures is not None
    assert {n: dataset.natures.count(n) for n in NATURES} == dict.fromkeys(NATURES, 12)


def test_a_model_trained_with_natures_tells_them_apart(with_natures: TextClassifier) -> None:
    assert with_natures.natures == sorted(NATURES)
    for text, nature in CLEAR.items():
        prediction = with_natures.classify(text)
        assert prediction.nature == nature, text
        assert 0.0 < prediction.nature_confidence <= 1.0


def test_the_one_message_path_and_the_batch_path_agree_on_natures(with_natures: TextClassifier) -> None:
    texts = list(CLEAR) + [row["text"] for row in sample_rows()[::7]]
    one_by_one = [with_natures.classify(text) for text in texts]
    batch = with_natures.classify_many(texts)
    assert [p.nature for p in one_by_one] == [p.nature for p in batch]
    assert [p.nature_confidence for p in one_by_one] == pytest.approx([p.nature_confidence for p in batch], abs=1e-3)


def test_without_a_nature_column_there_is_no_nature(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "plain.csv", sample_rows(), ("text", "label", "urgent"))
    dataset = read_labelled_csv(data)
    assert dataset.natures is None
    classifier = TextClassifier.train(dataset.texts, dataset.labels, urgent=dataset.urgent, natures=dataset.natures)
    assert classifier.natures == []
    assert classifier.classify("请问垃圾几点收").nature is None
    assert {p.nature for p in classifier.classify_many(["请问垃圾几点收", "路灯坏了"])} == {None}
    result = train_with_heldout(dataset, refit=False)
    assert "nature" not in result.metrics


def test_heldout_metrics_score_the_natures_too() -> None:
    result = train_with_heldout(read_labelled_csv(SAMPLE), refit=False)
    nature = result.metrics["nature"]
    assert nature["n"] == result.n_test
    assert list(nature["per_class"]) == list(NATURES)  # the natures' own order
    assert 0.0 <= nature["macro_f1"] <= 1.0


def test_rows_without_a_nature_teach_only_the_category(tmp_path: Path) -> None:
    rows = sample_rows()
    for nature in NATURES:  # one row of each nature
        next(row for row in rows if row["nature"] == nature)["nature"] = ""
    dataset = read_labelled_csv(write_csv(tmp_path / "part.csv", rows, ("text", "label", "urgent", "nature")))
    assert dataset.natures is not None and dataset.natures.count(None) == 6
    classifier = TextClassifier.train(dataset.texts, dataset.labels, natures=dataset.natures)
    assert classifier.natures == sorted(NATURES)


def test_an_unknown_nature_is_refused_with_its_line(tmp_path: Path) -> None:
    rows = sample_rows()
    rows[4]["nature"] = "complain"
    data = write_csv(tmp_path / "typo.csv", rows, ("text", "label", "urgent", "nature"))
    with pytest.raises(DatasetError, match=r"typo\.csv:6: unknown nature 'complain'; the natures are: consult"):
        read_labelled_csv(data)


def test_a_nature_with_too_few_rows_is_refused_for_training(tmp_path: Path) -> None:
    rows = [row for row in sample_rows() if row["nature"] != "praise"] + [
        row for row in sample_rows() if row["nature"] == "praise"][:3]
    data = write_csv(tmp_path / "thin.csv", rows, ("text", "label", "urgent", "nature"))
    with pytest.raises(DatasetError, match=r"needs at least 10 rows per nature, got 3 for 'praise'"):
        read_labelled_csv(data)
    assert read_labelled_csv(data, require_labels=False).natures is not None  # eval reads it


def test_corrections_add_rows_without_a_nature() -> None:
    dataset = read_labelled_csv(SAMPLE)
    extra = [{"number": "T20261202-0001", "text": "楼道灯不亮", "label": "municipal"}]
    merged = with_corrections(dataset, extra)
    assert merged.natures is not None and len(merged.natures) == len(merged.texts) == len(dataset) + 1
    assert merged.natures[-1] is None


def test_the_artifact_keeps_the_nature_classifier(tmp_path: Path, with_natures: TextClassifier) -> None:
    save_model(tmp_path, with_natures, metadata_of(with_natures))
    loaded, metadata = load_model(tmp_path)
    assert metadata.natures == sorted(NATURES) == loaded.natures
    for text in CLEAR:
        assert loaded.classify(text).nature == with_natures.classify(text).nature


def test_a_model_saved_before_natures_loads_without_them(tmp_path: Path, with_natures: TextClassifier) -> None:
    old = TextClassifier(with_natures.pipeline, with_natures.urgency_model)
    del old.__dict__["nature_model"]  # as pickled by a gridbot without natures
    metadata = metadata_of(old)
    save_model(tmp_path, old, metadata)
    raw = json.loads((tmp_path / "v1" / "metadata.json").read_text(encoding="utf-8"))
    del raw["natures"]
    (tmp_path / "v1" / "metadata.json").write_text(json.dumps(raw), encoding="utf-8")
    loaded, read = load_model(tmp_path)
    assert read.natures == [] and loaded.natures == []
    assert loaded.classify("请问垃圾几点收").nature is None


def test_natures_that_do_not_match_the_metadata_are_refused(tmp_path: Path, with_natures: TextClassifier) -> None:
    metadata = metadata_of(with_natures)
    metadata.natures = ["consult", "help"]
    save_model(tmp_path, with_natures, metadata)
    with pytest.raises(ArtifactError, match="model natures do not match its metadata"):
        load_model(tmp_path)
    assert pickle.loads(pickle.dumps(with_natures)).natures == with_natures.natures


def in_use(macro_f1: float, nature_f1: float | None) -> ModelMetadata:
    metrics: dict = {"macro_f1": macro_f1} | ({"nature": {"macro_f1": nature_f1}} if nature_f1 is not None else {})
    return ModelMetadata(version="old", created_at="", data_sha256="", labels=[], metrics=metrics, n_train=1)


def test_the_gate_wants_neither_axis_worse() -> None:
    assert judge({"macro_f1": 0.9, "nature": {"macro_f1": 0.86}}, in_use(0.9, 0.85)).go_live
    worse_natures = judge({"macro_f1": 0.95, "nature": {"macro_f1": 0.80}}, in_use(0.9, 0.85))
    assert not worse_natures.go_live and worse_natures.worse_on_natures
    assert not judge({"macro_f1": 0.89, "nature": {"macro_f1": 0.95}}, in_use(0.9, 0.85)).go_live


def test_the_gate_refuses_dropping_the_nature_classifier_but_not_adding_one() -> None:
    dropped = judge({"macro_f1": 0.95}, in_use(0.9, 0.85))
    assert not dropped.go_live and dropped.worse_on_natures and dropped.new_nature_f1 is None
    added = judge({"macro_f1": 0.9, "nature": {"macro_f1": 0.5}}, in_use(0.9, None))
    assert added.go_live and added.old_nature_f1 is None and added.new_nature_f1 == 0.5


@pytest.fixture(scope="module")
def trained_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("nature-models")
    result = run_gridbot(["train", "--data", str(SAMPLE), "--out", str(out), "--json"], out / "var")
    assert result.status == 0, result.err
    report = json.loads(result.out)
    assert report["metrics"]["nature"]["macro_f1"] >= 0.0 and report["previous_nature_macro_f1"] is None
    return out


def test_classify_json_carries_the_nature(trained_sample: Path) -> None:
    texts = list(CLEAR)
    result = run_gridbot(["classify", "--model", str(trained_sample), "--json", *texts], trained_sample / "var")
    assert result.status == 0, result.err
    objects = [json.loads(line) for line in result.out.splitlines()]
    assert [(o["nature"], o["nature_name"]) for o in objects] == [(CLEAR[t], NATURES[CLEAR[t]]) for t in texts]
    assert all(0.0 < o["nature_confidence"] <= 1.0 for o in objects)


def test_train_and_eval_print_the_nature_macro_f1(trained_sample: Path, tmp_path: Path) -> None:
    shown = run_gridbot(["eval", "--data", str(SAMPLE), "--model", str(trained_sample)], trained_sample / "var")
    assert shown.status == 0, shown.err
    assert "nature (诉求性质): n=72" in shown.out and "macro-F1=" in shown.out and "投诉" in shown.out
    as_json = run_gridbot(["eval", "--data", str(SAMPLE), "--model", str(trained_sample), "--json"],
                          trained_sample / "var")
    assert json.loads(as_json.out)["nature"]["per_class"]["praise"]["support"] == 12
