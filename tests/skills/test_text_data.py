"""The bundled text corpora, the real-dataset loader and the shared tokenizers."""

import importlib.util
import json

import numpy as np
import pytest

from skills import text_data
from tests.conftest import ROOT


def _generator():
    spec = importlib.util.spec_from_file_location("make_sentiment_corpus",
                                                  ROOT / "data/text/make_sentiment_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sentiment_corpus_has_over_2000_labelled_sentences_of_both_labels():
    sentences, labels = text_data.load_sentiment_corpus()
    assert len(sentences) >= 2000 and len(sentences) == len(labels)
    assert set(labels.tolist()) == {0, 1}
    assert 0.35 < labels.mean() < 0.65


def test_sentiment_corpus_is_reproduced_by_its_committed_generator():
    generator = _generator()
    committed = text_data.SENTIMENT_CORPUS.read_text(encoding="utf-8")
    assert generator.render(generator.build_rows()) == committed


def test_sentiment_corpus_has_negation_mixed_and_handwritten_sentences():
    rows = [json.loads(line) for line in text_data.SENTIMENT_CORPUS.read_text().splitlines()]
    kinds = {kind: sum(row["kind"] == kind for row in rows) for kind in
             ("simple", "verb", "negated", "mixed", "handwritten")}
    assert kinds["negated"] >= 300 and kinds["mixed"] >= 300 and kinds["handwritten"] >= 200
    negated_positive = [row for row in rows if row["kind"] == "negated" and row["label"] == 1]
    assert negated_positive, "'was not bad'-style sentences must be labelled positive too"


def test_sentiment_split_holds_out_sentences_never_seen_in_training():
    (train, _), (val, val_labels) = text_data.split_train_validation(*text_data.load_sentiment_corpus())
    assert len(val) >= 500 and len(val) == len(val_labels)
    assert not set(train) & set(val)
    assert len(set(train) | set(val)) == len(train) + len(val)


def test_sarcasm_loader_reads_the_books_json_list_format():
    headlines, labels = text_data.load_sarcasm_json(text_data.SARCASM_SAMPLE)
    assert len(headlines) == 12 and labels.tolist() == [0, 1] * 6
    assert headlines[1].startswith("man heroically reads")
    assert "\u201cexpensive\u201d" in headlines[9]  # JSON escapes decoded


def test_sarcasm_loader_reads_the_kaggle_json_lines_format(tmp_path):
    rows = json.loads(text_data.SARCASM_SAMPLE.read_text())
    lines = tmp_path / "Sarcasm_Headlines_Dataset.json"
    lines.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    headlines, labels = text_data.load_sarcasm_json(lines)
    assert headlines == [row["headline"] for row in rows]
    assert labels.tolist() == [row["is_sarcastic"] for row in rows]


def test_song_corpus_has_300_to_600_lines_including_athy():
    lines = text_data.load_song_lines()
    assert 300 <= len(lines) <= 600
    assert any("in the town of athy" in line for line in lines)
    assert all(line == line.lower() for line in lines)


def test_vocabulary_round_trips_and_rebuilds_the_same_tokenizer(tmp_path):
    texts = ["the soup was good", "the soup was not good", "the film was bad"]
    fitted = text_data.fit_vectorizer(texts, vocab_size=50, max_length=6)
    vocabulary = text_data.vocabulary_of(fitted)
    assert vocabulary[:2] == ["", "[UNK]"] and all(type(word) is str for word in vocabulary)
    path = text_data.save_vocabulary(vocabulary, tmp_path / "vocab.txt")
    assert text_data.load_vocabulary(path) == vocabulary
    rebuilt = text_data.vectorizer_from_vocabulary(text_data.load_vocabulary(path), 6)
    sample = ["The soup was NOT bad!", "a brand new word"]
    assert np.array_equal(fitted(sample).numpy(), rebuilt(sample).numpy())


def test_load_vocabulary_refuses_a_file_without_padding_and_unk(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("the\nsoup\n")
    with pytest.raises(ValueError):
        text_data.load_vocabulary(path)


def test_word_tokens_pads_with_zeros_and_names_out_of_vocabulary_words():
    vectorizer = text_data.fit_vectorizer(["the soup was good", "the film was bad"], 50, 8)
    tokens = text_data.word_tokens("The SOUP was gloriously, gloriously good!", vectorizer)
    assert tokens["keras_tokens"] == ["the", "soup", "was", "gloriously", "gloriously", "good"]
    assert len(tokens["keras_ids"]) == 8 and tokens["keras_ids"][-2:] == [0, 0]
    assert tokens["keras_ids"][3:5] == [1, 1]
    assert tokens["oov_words"] == ["gloriously"]


def test_subword_model_is_trained_once_then_reused_and_round_trips(tmp_path):
    sentences, _ = text_data.load_sentiment_corpus()
    first = text_data.train_subword_model(sentences, tmp_path, vocab_size=300)
    stamp = first.stat().st_mtime_ns
    again = text_data.train_subword_model(sentences, tmp_path, vocab_size=300)
    assert again == first and again.stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.iterdir()] == [first.name]
    tokens = text_data.subword_tokens("The soup was unbelievably tasty", first)
    assert len(tokens["subword_pieces"]) == len(tokens["subword_ids"]) > 5
    rejoined = "".join(tokens["subword_pieces"]).replace("\u2581", " ").strip()
    assert rejoined == "the soup was unbelievably tasty"  # case-folded like the word tokenizer
