"""`newsbot eval`: the metric rules on hand-made answers, then whole runs on a tiny corpus."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from bot.config import ReaderKind, Settings
from bot.evaluation.baseline import (
    MANIFEST_NAME,
    BaselineChunk,
    DenseBaseline,
    cached_vectors,
    chunk_articles,
    window_spans,
)
from bot.evaluation.data import EvalDataError, Question, read_questions
from bot.evaluation.metrics import (
    contains_answer,
    exact_match,
    first_hit_rank,
    hits_at,
    is_hit,
    mrr,
    percentile,
    rtqa_normalise,
    score,
    short_answer,
    summarise,
    summarise_by_type,
    token_f1,
)
from bot.evaluation.report import format_comparison
from bot.evaluation.runner import EvalOptions, eval_cmd, eval_data_dir, format_report, run_eval
from bot.surfaces.readers import Readers
from bot.types import Answer, Citation, Passage
from index.ingest.articles import Article
from index.store.catalog import open_index
from index.store.generations import current_generation
from index.text.chunking import chunk_sentences
from tests.conftest import write_article
from tests.fakes import FakeModel, HashEmbedder

# ---------------------------------------------------------------------------------------------
# The hit rule and the ranking metrics.


def test_hit_rule_ignores_case_and_collapses_whitespace() -> None:
    assert contains_answer("the  BUFFALO\n\tBills won", "Buffalo Bills")
    assert contains_answer("Buffalo Bills", " buffalo   bills ")
    assert not contains_answer("Buffalo Sabres", "Buffalo Bills")
    assert not contains_answer("anything", "   ")  # an empty gold answer never matches
    assert contains_answer("Law & Order", '"Law & Order"')  # a title's quotes are typography
    assert contains_answer("McDonald's", "McDonald’s")
    assert not contains_answer("anything", '""')


def test_a_hit_must_be_in_the_first_2000_characters() -> None:
    head = "x" * 1990
    assert is_hit(head + " Millbrook", "Millbrook")  # ends at character 2000
    assert not is_hit(head + "  Millbrook", "Millbrook")  # one character too far
    assert not is_hit("y" * 5000 + " Millbrook", "Millbrook")


def test_ranks_hits_and_mrr_by_hand() -> None:
    passages = ["nothing here", "still nothing", "the answer is Millbrook", "Millbrook again"]
    assert first_hit_rank(passages, "millbrook") == 3
    assert first_hit_rank(passages, "Springfield") is None
    assert first_hit_rank(passages, "millbrook", k=2) is None

    ranks = [1, 3, None]
    assert hits_at(ranks, 1) == pytest.approx(1 / 3)
    assert hits_at(ranks, 5) == pytest.approx(2 / 3)
    assert hits_at(ranks, 10) == pytest.approx(2 / 3)
    assert mrr(ranks) == pytest.approx((1 + 1 / 3) / 3)
    assert mrr([11, 2]) == pytest.approx(0.25)  # rank 11 is outside MRR@10
    assert hits_at([], 1) is None and mrr([]) is None


def test_percentiles_interpolate_between_ranks() -> None:
    assert percentile([40.0, 10.0, 30.0, 20.0], 50) == pytest.approx(25.0)
    assert percentile([10.0, 20.0, 30.0, 40.0], 95) == pytest.approx(38.5)
    assert percentile([7.0], 95) == pytest.approx(7.0)
    assert percentile([], 50) is None


def test_short_answer_drops_citation_marks_and_keeps_30_words() -> None:
    assert short_answer("Kevin McCarthy was elected speaker [1][2]") == (
        "Kevin McCarthy was elected speaker"
    )
    assert short_answer("Bagram [1]\nSee also the second line") == "Bagram"
    words = [f"w{i}" for i in range(1, 41)]
    assert short_answer(" ".join(words)).split() == words[:30]
    # The gold answer as word 31 falls outside the short answer.
    assert not contains_answer(short_answer(" ".join([*words[:30], "Millbrook"])), "Millbrook")


# ---------------------------------------------------------------------------------------------
# Scoring hand-made answers.


def passage(text: str) -> Passage:
    return Passage(text=text, score=1.0, article_id="a", paragraphs=(1,))


def citation(n: int, paragraph_text: str) -> Citation:
    return Citation(n, "a", "t", "s", "2023-01-01", "u", 1, paragraph_text[:10], paragraph_text)


def answer(
    text: str, passages: Sequence[str], cited: Sequence[str] = (), abstained: bool = False
) -> Answer:
    return Answer(
        "q",
        text,
        abstained,
        tuple(citation(i + 1, c) for i, c in enumerate(cited)),
        tuple(passage(p) for p in passages),
        {"total": 1.0},
    )


def q(gold: str, **kw: Any) -> Question:
    return Question(id=gold, question="q?", gold=gold, **kw)


def test_three_questions_scored_by_hand() -> None:
    rows = [
        # Hit at rank 1, answered correctly, 2 of its 3 cited paragraphs say the answer.
        score(
            q("Buffalo Bills", choices=("Buffalo Bills", "Miami Dolphins"), type="who"),
            answer(
                "The Buffalo Bills [1][2][3]",
                ["Buffalo Bills win", "other"],
                ["The Buffalo Bills won.", "Bills fans cheered.", "BUFFALO  BILLS lead"],
            ),
            10.0,
            choice=0,
        ),
        # Hit at rank 3, wrong answer (its citations do not count), wrong choice.
        score(
            q("Millbrook", choices=("Millbrook", "Springfield"), type="where"),
            answer("Springfield [1]", ["a", "b", "flooded Millbrook"], ["Springfield flooded"]),
            20.0,
            choice=1,
        ),
        # No hit in the top 10, and the bot abstained although the answer is in the corpus.
        score(
            q("5.25 percent", type="who"),
            answer("I found nothing.", ["x"] * 10 + ["5.25 percent"], abstained=True),
            30.0,
            choice=None,
        ),
    ]
    assert [r.hit_rank for r in rows] == [1, 3, None]
    assert [r.correct for r in rows] == [True, False, False]
    assert rows[0].citation_precision == pytest.approx(2 / 3)
    assert rows[1].citation_precision is None

    m = summarise(rows)
    assert (m["questions"], m["with_gold"]) == (3, 3)
    assert m["hits@1"] == pytest.approx(1 / 3)
    assert m["hits@5"] == pytest.approx(2 / 3)
    assert m["hits@10"] == pytest.approx(2 / 3)
    assert m["mrr@10"] == pytest.approx(4 / 9)
    assert m["hits_curve"] == pytest.approx([1 / 3, 1 / 3] + [2 / 3] * 8)
    assert m["answer_accuracy"] == pytest.approx(1 / 3)
    assert (m["choice_questions"], m["choice_accuracy"]) == (2, pytest.approx(1 / 2))
    assert m["citation_precision"] == pytest.approx(2 / 3)
    assert m["wrong_abstention"] == pytest.approx(1 / 3)
    assert (m["unanswerable"], m["abstention"]) == (0, None)
    assert m["latency_p50_ms"] == pytest.approx(20.0)
    assert m["latency_p95_ms"] == pytest.approx(29.0)

    by_type = summarise_by_type(rows)["by_type"]
    assert set(by_type) == {"who", "where"}
    assert by_type["who"]["hits@1"] == pytest.approx(1 / 2)
    assert by_type["where"]["mrr@10"] == pytest.approx(1 / 3)


def test_abstention_counts_on_unanswerable_and_is_never_correct() -> None:
    nothing = "not enough information"
    rows = [
        score(
            q(nothing, unanswerable=True, gold_in_corpus=False),
            answer(f"{nothing} [1]", ["p"], abstained=True),
            1.0,
            None,
        ),
        score(
            q(nothing, unanswerable=True, gold_in_corpus=False), answer("Bob [1]", []), 1.0, None
        ),
        # Abstention text that happens to hold the gold answer is still not an answer.
        score(
            q("3 articles"), answer("I have 3 articles; none says.", [], abstained=True), 1.0, None
        ),
    ]
    assert [r.hit_rank for r in rows] == [None, None, None]
    assert [r.correct for r in rows] == [None, None, False]
    m = summarise(rows)
    assert (m["unanswerable"], m["with_gold"]) == (2, 1)
    assert m["abstention"] == pytest.approx(1 / 2)
    assert m["wrong_abstention"] == pytest.approx(1.0)


# ---------------------------------------------------------------------------------------------
# Question files.


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_reads_realtimeqa_quail_and_generic_records(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "q.jsonl",
        [
            {
                "question_id": "20230106_0",
                "question_date": "2023/01/05",
                "question": "Which team?",
                "choices": ["Buffalo Bills", "Miami Dolphins"],
                "answer": "Buffalo Bills",
                "gold_doc_ids": ["546b429ef96a"],
            },
            {
                "question_id": "20230106_1",
                "question_date": "2023/01/05",
                "question": "Which pope?",
                "choices": ["A", "B"],
                "answer": "B",
                "gold_doc_ids": [],
            },
            {
                "question_id": "n149_3",
                "text_id": "n149",
                "question_type": "Unanswerable",
                "question": "Who?",
                "options": ["Jean Lee", "not enough information"],
                "answer": "not enough information",
                "unanswerable": True,
            },
            {"question": "What level?", "answer": "5.25 percent", "as_of": "2023-03-23T09:00"},
        ],
    )
    rtqa, no_gold, quail, generic = read_questions(path)
    assert rtqa == Question(
        "20230106_0",
        "Which team?",
        "Buffalo Bills",
        ("Buffalo Bills", "Miami Dolphins"),
        date(2023, 1, 5),
    )
    assert no_gold.gold_in_corpus is False
    assert (quail.id, quail.type, quail.unanswerable, quail.gold_in_corpus) == (
        "n149_3",
        "Unanswerable",
        True,
        False,
    )
    assert quail.choices == ("Jean Lee", "not enough information")
    assert (generic.id, generic.as_of, generic.gold_in_corpus) == ("4", date(2023, 3, 23), True)


def test_as_of_field_names_the_day(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "q.jsonl",
        [{"question": "Q?", "answer": "A", "asked": "2024/02/29", "question_date": "2020/01/01"}],
    )
    assert next(read_questions(path, "asked")).as_of == date(2024, 2, 29)
    assert next(read_questions(path)).as_of == date(2020, 1, 1)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"question": "Q?"}', "missing field 'answer'"),
        ('{"question": "Q?", "answer": "A", "as_of": "yesterday"}', "Invalid isoformat"),
        ("[1, 2]", "not a JSON object"),
        ("{oops", "Expecting property name"),
    ],
)
def test_a_bad_line_is_named(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"question": "Fine?", "answer": "yes"}\n\n' + line + "\n", encoding="utf-8")
    with pytest.raises(EvalDataError, match=rf"q\.jsonl:3: .*{problem}"):
        list(read_questions(path))


# ---------------------------------------------------------------------------------------------
# The baseline.


@given(st.text(alphabet="ab \n", max_size=4000))
def test_windows_cover_the_text_with_bounded_size_and_overlap(text: str) -> None:
    spans = window_spans(text)
    if not text:
        assert spans == []
        return
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    for start, end in spans:
        assert 0 <= start < end <= len(text) and end - start <= 1000
    for (s1, e1), (s2, _) in itertools.pairwise(spans):
        assert s1 < s2 <= e1  # no gap, always forward
        assert e1 - s2 <= 200  # overlap of at most 200 characters


def test_windows_end_and_start_at_word_boundaries() -> None:
    text = " ".join(f"word{i:03d}" for i in range(400))  # 3,199 characters
    spans = window_spans(text)
    assert len(spans) == 4
    for start, end in spans:
        assert (
            text[start:end].split()[0].startswith("word") and len(text[start:end].split()[0]) == 7
        )
        assert end == len(text) or text[end] == " "
    assert window_spans("x" * 2500) == [(0, 1000), (800, 1800), (1600, 2500)]
    with pytest.raises(ValueError):
        window_spans("text", size=100, overlap=60)


def make_article(key: str, *paragraphs: str) -> Article:
    return Article(key=key, title=key.title(), paragraphs=paragraphs)


def test_baseline_vectors_are_cached_and_only_new_chunks_encoded(tmp_path: Path) -> None:
    chunks = chunk_articles([make_article("a", "One. Two."), make_article("b", "x " * 700)])
    assert [c.text[:4] for c in chunks] == ["One.", "x x ", "x x "]
    embedder = HashEmbedder()
    first = cached_vectors(tmp_path, chunks, embedder)
    assert embedder.texts_encoded == 3
    again = cached_vectors(tmp_path, chunks, embedder)
    assert embedder.texts_encoded == 3 and np.array_equal(first, again)

    # An article edited: only its chunk is encoded; the others' vectors come from the cache.
    edited = [BaselineChunk("a", "One. Three."), *chunks[1:]]
    vectors = cached_vectors(tmp_path, edited, embedder)
    assert embedder.texts_encoded == 4
    assert np.array_equal(vectors, embedder.encode([c.text for c in edited]))

    cached_vectors(tmp_path, edited, HashEmbedder(name="other-model"))  # all anew
    assert json.loads((tmp_path / MANIFEST_NAME).read_text())["model"] == "other-model"
    (tmp_path / MANIFEST_NAME).write_text("{cut short")
    other = HashEmbedder()
    cached_vectors(tmp_path, edited, other)
    assert other.texts_encoded == 3


def test_baseline_answers_with_the_first_sentence_of_its_top_passage() -> None:
    chunks = [
        BaselineChunk("a1", "Rain flooded Millbrook on Monday. Crews used boats."),
        BaselineChunk("a2", "The central bank raised rates. Markets fell."),
    ]
    embedder = HashEmbedder()
    baseline = DenseBaseline(chunks, embedder.encode([c.text for c in chunks]), embedder)
    got = baseline.ask("Which town did the rain flood on Monday?")
    assert got.text == "Rain flooded Millbrook on Monday."
    assert not got.abstained and not got.citations
    assert [p.article_id for p in got.passages] == ["a1", "a2"]


def test_comparison_divides_newsbot_by_the_baseline() -> None:
    ours = {
        "hits@1": 0.6,
        "hits@5": 0.8,
        "hits@10": 0.9,
        "mrr@10": 0.7,
        "answer_accuracy": 0.5,
        "latency_p50_ms": 30.0,
        "latency_p95_ms": 90.0,
    }
    theirs = ours | {"hits@1": 0.5, "answer_accuracy": 0.0, "latency_p50_ms": 10.0}
    lines = {
        line[:16].strip(): line.split() for line in format_comparison(ours, theirs).splitlines()
    }
    assert lines["Hits@1"][-3:] == ["0.600", "0.500", "1.20"]
    assert lines["answer accuracy"][-1] == "-"  # nothing to divide by
    assert lines["latency p50 ms"][-3:] == ["30.0", "10.0", "3.00"]


# ---------------------------------------------------------------------------------------------
# Whole runs.


def make_news(folder: Path) -> Path:
    write_article(
        folder,
        "rates.txt",
        "Central bank raises interest rates",
        "The central bank raised interest rates to 5.25 percent on Wednesday, its highest level.",
        "Economists expect borrowing costs to stay high.",
        source="Wire",
        published="2023-03-22",
    )
    write_article(
        folder,
        "flood.txt",
        "River floods town",
        "Heavy rain made the river flood the town of Millbrook on Monday, forcing families out.",
        "Rescue crews used boats to reach stranded residents.",
        source="Herald",
        published="2023-03-20",
    )
    write_article(
        folder,
        "chess.txt",
        "Chess final drawn out",
        "The chess championship final went to a fourth tiebreak game after six hours of play.",
        "Organisers said a winner would be named on Sunday.",
        source="Herald",
        published="2023-03-21",
    )
    return folder


QUESTIONS = [
    {
        "id": "rates",
        "question": "What level did the central bank raise interest rates to?",
        "answer": "5.25 percent",
        "choices": ["4.5 percent", "5.25 percent", "6 percent"],
        "as_of": "2023-03-23",
        "type": "economy",
    },
    {
        "id": "flood",
        "question": "Which town did the river flood on Monday?",
        "answer": "Millbrook",
        "as_of": "2023-03-23",
        "type": "places",
    },
    # In the corpus's subject but not its text: retrieval must miss it.
    {
        "id": "chess",
        "question": "Who won the chess championship final?",
        "answer": "Magnus Carlsen",
        "type": "places",
    },
    {
        "id": "art",
        "question": "Who painted the ceiling of the Sistine Chapel?",
        "answer": "not enough information",
        "unanswerable": True,
        "type": "economy",
    },
]


def read_results(path: Path) -> dict[str, dict]:
    return {r["id"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def test_eval_run_on_a_tiny_corpus(tmp_path: Path) -> None:
    news = make_news(tmp_path / "news")
    questions = write_jsonl(tmp_path / "questions.jsonl", QUESTIONS)
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", corpus_paths=[news])
    out = tmp_path / "out"
    options = EvalOptions(questions, out, corpus=(news,), baseline=True, plot=True)
    embedder = HashEmbedder()
    summary = run_eval(settings, embedder, options)

    m = summary["newsbot"]["overall"]
    assert (m["questions"], m["with_gold"], m["unanswerable"]) == (4, 3, 1)
    assert m["hits@1"] == m["hits@10"] == m["mrr@10"] == pytest.approx(2 / 3)
    assert (m["choice_questions"], m["choice_accuracy"]) == (1, 1.0)
    assert m["abstention"] == 1.0
    results = read_results(out / "results.jsonl")
    assert list(results) == ["rates", "flood", "chess", "art"]
    assert [results[i]["hit_rank"] for i in results] == [1, 1, None, None]
    assert results["rates"]["choice"] == "5.25 percent"
    assert results["art"]["abstained"] is True and results["art"]["correct"] is None
    for r in results.values():
        assert set(r) >= {"answer", "abstained", "citations", "passages", "timings_ms", "gold"}
        assert len(r["passages"]) <= 10 and r["latency_ms"] > 0
        if r["correct"] is not None:  # the answer accuracy rule, applied to the written answer
            assert r["correct"] == (not r["abstained"] and r["gold"] in short_answer(r["answer"]))
    correct = [r["correct"] for r in results.values() if r["correct"] is not None]
    assert m["answer_accuracy"] == pytest.approx(sum(correct) / 3)
    assert summary["newsbot"]["by_type"]["places"]["hits@1"] == pytest.approx(1 / 2)

    # The baseline's top chunk for each answerable question is its article, whose first
    # sentence holds the answer.
    b = summary["baseline"]["overall"]
    assert b["hits@1"] == b["answer_accuracy"] == pytest.approx(2 / 3)
    assert (b["abstention"], b["choice_questions"], summary["baseline_chunks"]) == (0.0, 0, 3)
    base = read_results(out / "baseline_results.jsonl")
    assert base["flood"]["answer"].startswith("Heavy rain made the river flood the town")

    saved = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert saved["newsbot"]["overall"]["hits@1"] == pytest.approx(2 / 3)
    for png in ("hits_at_k.png", "latency.png"):
        assert (out / png).read_bytes()[:4] == b"\x89PNG"
    report = format_report(summary)
    assert "economy" in report and "places" in report and "ratio" in report

    # A second run reuses the index and the baseline's vectors: only questions are encoded.
    data_dir = eval_data_dir(settings, [news])
    generation = current_generation(data_dir)
    before = embedder.texts_encoded
    run_eval(settings, embedder, options)
    index = open_index(data_dir)
    sentences = sum(
        len(chunk_sentences(text, len(json.loads(ids))))
        for text, ids in index.db.execute("select text, paragraph_ids from chunks")
    )
    first_run_texts = 3 + sentences + 3  # the index's chunks and sentences, the baseline's chunks
    assert embedder.texts_encoded - before == before - first_run_texts
    assert current_generation(data_dir) == generation


def test_eval_folder_depends_on_corpus_and_index_settings(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    base = eval_data_dir(settings, [a])
    assert eval_data_dir(settings, [a]) == base and base.parent == tmp_path / "data"
    assert eval_data_dir(settings, [b]) != base
    assert eval_data_dir(settings, [a, b]) == eval_data_dir(settings, [b, a])
    assert eval_data_dir(settings.model_copy(update={"chunk_words": 60}), [a]) != base
    assert eval_data_dir(settings.model_copy(update={"faiss_index": "HNSW32"}), [a]) != base


def test_eval_refuses_a_missing_as_of_field(tmp_path: Path) -> None:
    questions = write_jsonl(tmp_path / "q.jsonl", QUESTIONS)
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")
    runner = CliRunner()
    got = runner.invoke(
        eval_cmd, ["--questions", str(questions), "--as-of-field", "asked"], obj=settings
    )
    assert got.exit_code == 1 and "No question" in got.output and "'asked'" in got.output


@pytest.mark.slow
def test_eval_command_with_the_real_model(tmp_path: Path) -> None:
    news = make_news(tmp_path / "news")
    questions = write_jsonl(tmp_path / "questions.jsonl", QUESTIONS)
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", corpus_paths=[news])
    out = tmp_path / "out"
    args = ["--questions", str(questions), "--corpus", str(news), "--out", str(out)]
    got = CliRunner().invoke(
        eval_cmd, [*args, "--baseline", "--plot", "--limit", "3"], obj=settings
    )
    assert got.exit_code == 0, got.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for pipeline in ("newsbot", "baseline"):
        m = summary[pipeline]["overall"]
        assert (m["questions"], m["with_gold"]) == (3, 3)
        assert m["hits@1"] == m["mrr@10"] == pytest.approx(2 / 3), pipeline
    assert summary["baseline"]["overall"]["answer_accuracy"] == pytest.approx(2 / 3)
    assert summary["newsbot"]["overall"]["choice_accuracy"] == 1.0
    assert "newsbot (lm reader) on 3 questions (3 with the answer in the corpus)" in got.output
    assert "ratio" in got.output and (out / "hits_at_k.png").exists()


def test_exact_match_and_f1_as_realtimeqa_normalises() -> None:
    assert rtqa_normalise("  The U.S.  Senate, ") == "the us senate"  # articles stay
    assert exact_match("Ken Cuccinelli!", "ken cuccinelli")
    assert not exact_match("Cuccinelli", "Ken Cuccinelli") and not exact_match("", "Oslo")
    assert token_f1("Ken Cuccinelli", "Cuccinelli") == pytest.approx(2 / 3)
    assert token_f1("the the Oslo", "the Oslo") == pytest.approx(0.8)  # tokens counted
    assert token_f1("", "Oslo") == token_f1("Bergen", "Oslo") == 0.0


def test_readers_side_by_side_answer_the_same_questions(tmp_path: Path) -> None:
    news = make_news(tmp_path / "news")
    questions = write_jsonl(tmp_path / "questions.jsonl", QUESTIONS)
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", corpus_paths=[news])
    out = tmp_path / "out"
    options = EvalOptions(questions, out, corpus=(news,), compare=(ReaderKind.RULES,))
    model = FakeModel({"town": "Millbrook", "rates": "5.25 percent"})
    readers = {ReaderKind.LM: Readers(model=model), ReaderKind.RULES: Readers()}
    summary = run_eval(settings, HashEmbedder(), options, readers)
    assert summary["reader"] == "lm" and set(summary) >= {"newsbot", "rules"}
    lm = read_results(out / "results.jsonl")
    rules = read_results(out / "rules_results.jsonl")
    assert list(lm) == list(rules) == ["rates", "flood", "chess", "art"]
    assert lm["flood"]["line"] == "Millbrook" and lm["flood"]["model"]["windows"]
    assert rules["flood"]["model"] is None
    m = summary["newsbot"]["overall"]
    assert m["exact_match"] is not None and 0.0 < m["f1"] <= 1.0
    report = format_report(summary)
    assert (
        "newsbot (lm reader) on 4 questions" in report
        and "the same with the rules reader" in report
    )
