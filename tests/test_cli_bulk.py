"""`gridbot classify --file` through the batch path: every line as the one-message path prints it, in
order, empty lines in their place, written chunk by chunk while the input is still being read."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import bulk
from nlp.parts import find_parts
from bot.cli.nlp import category_names, prediction_json
from nlp.artifact import load_model
from nlp.classifier import TextClassifier
from nlp.taxonomy import load_taxonomy
from tests.conftest import ROOT, run_gridbot, run_gridbot_inline, write_csv


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory, corpus_rows: list[dict[str, str]]) -> Path:
    """A model with an urgency part: every fourth corpus row and every urgent one."""
    rows = [row for number, row in enumerate(corpus_rows) if number % 4 == 0 or row["urgent"] == "1"]
    tmp = tmp_path_factory.mktemp("bulk")
    data = write_csv(tmp / "train.csv", rows, ("text", "label", "urgent"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        result = run_gridbot_inline(["train", "--data", str(data), "--out", str(tmp / "models"), "--json"], tmp,
                                    monkeypatch)
    assert result.status == 0, result.err
    return Path(json.loads(result.out)["path"])


@pytest.fixture(scope="module")
def classifier(model_dir: Path) -> TextClassifier:
    return load_model(model_dir)[0]


def _lines(corpus_rows: list[dict[str, str]]) -> list[str]:
    """A few hundred messages of every kind (urgent ones too), blank lines and odd text among them."""
    texts = [row["text"] for row in corpus_rows[3::19]]
    texts[5:5] = ["", "   ", "🙂", "x" * 300, "楼下着火了，烟好大！", "救命，房租又涨了"]
    texts.append("")
    return texts


def test_every_line_is_what_the_one_message_path_prints(model_dir: Path, classifier: TextClassifier,
                                                         corpus_rows: list[dict[str, str]], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _lines(corpus_rows)
    assert len(texts) > 300 and sum(row["urgent"] == "1" for row in corpus_rows[3::19]) > 10
    path = tmp_path / "in.txt"
    path.write_text("\n".join(texts) + "\n", encoding="utf-8")
    monkeypatch.setattr(bulk, "CHUNK_LINES", 64)  # several chunks, boundaries anywhere
    result = run_gridbot_inline(["classify", "--model", str(model_dir), "--json", "--jobs", "1", "--file", str(path)],
                                tmp_path, monkeypatch)
    assert result.status == 1  # the empty lines
    taxonomy = load_taxonomy(ROOT / "training_data" / "categories.yaml")
    expected = [
        prediction_json(text, (whole := classifier.classify(text)), category_names(taxonomy), find_parts(classifier.classify_many, text, whole))
        if text.strip() else {"text": text, "error": f"message {number} is empty"}
        for number, text in enumerate(texts, 1)
    ]
    assert [json.loads(line) for line in result.out.splitlines()] == expected


def test_worker_processes_print_what_one_process_prints(model_dir: Path, corpus_rows: list[dict[str, str]],
                                                        tmp_path: Path) -> None:
    """Three chunks over two forked workers: the same lines, in the same order, empty ones in their place."""
    texts = [row["text"] for row in corpus_rows[: 2 * bulk.CHUNK_LINES + 500]]
    texts[2100:2100] = ["", "   "]
    path = tmp_path / "in.txt"
    path.write_text("\n".join(texts) + "\n", encoding="utf-8")
    command = ["classify", "--model", str(model_dir), "--json", "--file", str(path)]
    serial, parallel = run_gridbot([*command, "--jobs", "1"], tmp_path), run_gridbot([*command, "--jobs", "2"], tmp_path)
    assert serial.status == parallel.status == 1, parallel.err
    assert len(parallel.out.splitlines()) == len(texts)
    assert parallel.out == serial.out
    assert json.loads(parallel.out.splitlines()[2101])["error"] == "message 2102 is empty"


@pytest.mark.parametrize("jobs", ["0", "9", "two"])
def test_a_bad_number_of_jobs_is_refused(jobs: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_gridbot_inline(["classify", "--jobs", jobs, "路灯坏了"], tmp_path, monkeypatch)
    assert result.status == 2 and "--jobs: must be a whole number from 1 to 8" in result.err


def test_text_output_keeps_order_and_marks_empty_lines(model_dir: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "CHUNK_LINES", 2)
    monkeypatch.setattr("sys.stdin", io.StringIO("路口的红绿灯坏了\n\n超市卖过期面包\n老板拖欠工资\n\n"))
    result = run_gridbot_inline(["classify", "--model", str(model_dir), "--file", "-"], tmp_path, monkeypatch)
    lines = result.out.splitlines()
    assert [line.split("\t")[-1] for line in lines] == ["路口的红绿灯坏了", "message 2 is empty", "超市卖过期面包",
                                                        "老板拖欠工资", "message 5 is empty"]
    assert lines[0].split("\t")[0] == "traffic" and result.status == 1


def test_each_chunk_is_written_before_the_next_is_read(classifier: TextClassifier) -> None:
    """Constant memory: the output of a chunk leaves before more input is taken."""
    read: list[int] = []

    def source() -> Iterator[str]:
        for number in range(1, 2 * bulk.CHUNK_LINES + 11):
            read.append(number)
            yield "楼道灯不亮了" if number % 7 else ""

    class Out(io.StringIO):
        def __init__(self) -> None:
            super().__init__()
            self.read_at_write: list[int] = []

        def write(self, text: str) -> int:
            self.read_at_write.append(len(read))
            return super().write(text)

    out = Out()
    all_good = bulk.stream(classifier, source(), out, lambda chunk, predictions, first: f"{first}:{len(chunk)}\n")
    assert not all_good
    assert out.getvalue().splitlines() == ["1:2000", "2001:2000", "4001:10"]
    assert out.read_at_write == [bulk.CHUNK_LINES, 2 * bulk.CHUNK_LINES, 2 * bulk.CHUNK_LINES + 10]


def test_batched_segmentation_cuts_each_text_as_alone(classifier: TextClassifier,
                                                      corpus_rows: list[dict[str, str]]) -> None:
    from nlp.normalize import normalize

    texts = [normalize(row["text"]) for row in corpus_rows[::7]] + ["", "abc 123", "，", ""]
    segmenter = classifier.segmenter
    assert segmenter.cut_many(texts) == [segmenter.cut(text) for text in texts]
    assert segmenter.cut_many(["a\nb", "c"]) == [segmenter.cut("a\nb"), segmenter.cut("c")]  # not normalised
