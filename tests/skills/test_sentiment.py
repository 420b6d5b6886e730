"""The sentiment skill: bounds (fast); both models' floors, exports, classify and tokenize (slow)."""

import numpy as np
import pytest
from pydantic import ValidationError

from skills import sentiment, text_data
from skills.base import SkillError
from skills.training import keras
from tests.skills.cancelling import Cancelled, cancel_at_first_epoch


@pytest.mark.parametrize("bad", [
    {"model": "cnn"}, {"epochs": 0}, {"epochs": 101}, {"embedding_dim": 1}, {"embedding_dim": 65},
    {"vocab_size": 49}, {"vocab_size": 5001}, {"max_length": 3}, {"max_length": 101}, {"seed": -1},
])
def test_sentiment_params_reject_values_outside_bounds(bad):
    with pytest.raises(ValidationError):
        sentiment.Params.model_validate(bad)


def test_sentiment_params_accept_the_edges_of_the_bounds():
    sentiment.Params(model="bilstm", epochs=100, embedding_dim=64, vocab_size=5000, max_length=100)
    sentiment.Params(epochs=1, embedding_dim=2, vocab_size=50, max_length=4, seed=0)


@pytest.mark.parametrize("text", ["", "x" * 501])
def test_tokenize_and_classify_params_refuse_empty_or_over_500_characters(text):
    with pytest.raises(ValidationError):
        sentiment.TokenizeParams(text=text)
    with pytest.raises(ValidationError):
        sentiment.ClassifyParams(source_job_id=1, text=text)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Both default models, trained once; the trained Keras objects are captured so the saved
    files can be compared with them."""
    results = {}
    build = sentiment.build_model
    for kind in ("pooling", "bilstm"):
        built, reports = [], []
        out = tmp_path_factory.mktemp(kind)
        with pytest.MonkeyPatch.context() as patch:
            # The lambdas run inside this iteration, so binding `built` and `reports` late is safe.
            patch.setattr(sentiment, "build_model", lambda *a: built.append(build(*a)) or built[-1])  # noqa: B023
            result = sentiment.run(sentiment.Params(model=kind), out,
                                   lambda f, n: reports.append((f, n)))  # noqa: B023
        results[kind] = {"result": result, "out": out, "model": built[0], "reports": reports}
    return results


def _artifact(result, name):
    return next(a for a in result.artifacts if a.path.name == name)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["pooling", "bilstm"])
def test_sentiment_reaches_080_val_accuracy_with_defaults(runs, kind):
    assert runs[kind]["result"].metrics["val_accuracy"] >= 0.80


@pytest.mark.slow
def test_sentiment_bilstm_beats_pooling_on_sentences_that_need_word_order(runs):
    pooling = runs["pooling"]["result"].metrics["val_accuracy_word_order"]
    bilstm = runs["bilstm"]["result"].metrics["val_accuracy_word_order"]
    assert bilstm > pooling + 0.05


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["pooling", "bilstm"])
def test_sentiment_saved_model_loads_and_predicts_like_the_trained_one(runs, kind):
    run = runs[kind]
    validation = np.load(_artifact(run["result"], "validation.npz").path)
    assert validation["x"].shape == (500, sentiment.DEFAULT_MAX_LENGTH)
    assert validation["x"].dtype == np.int32 and set(np.unique(validation["y"])) == {0.0, 1.0}
    loaded = keras().models.load_model(_artifact(run["result"], "model.keras").path,
                                       custom_objects=sentiment.SPEC.custom_objects())
    expected = run["model"].predict(validation["x"], verbose=0)
    assert np.allclose(loaded.predict(validation["x"], verbose=0), expected, atol=1e-5)
    assert ((expected.ravel() > 0.5) == validation["y"]).mean() >= 0.80


@pytest.mark.slow
def test_sentiment_exports_vocab_projector_files_and_plots(runs):
    result, out = runs["pooling"]["result"], runs["pooling"]["out"]
    kinds = {a.path.name: a.kind for a in result.artifacts}
    assert kinds == {"model.keras": "model", "vocab.txt": "data", "validation.npz": "validation-data",
                     "vecs.tsv": "data", "meta.tsv": "data", "training_curves.png": "plot",
                     "embedding_words.png": "plot"}
    assert all(a.path.parent == out and a.path.exists() for a in result.artifacts)
    vocabulary = text_data.load_vocabulary(out / "vocab.txt")
    assert len(vocabulary) == result.metrics["vocabulary_size"]
    vecs = (out / "vecs.tsv").read_text().splitlines()
    meta = (out / "meta.tsv").read_text().splitlines()
    assert len(vecs) == len(meta) == len(vocabulary) - 2 and meta[:2] == vocabulary[2:4]
    assert all(len(row.split("\t")) == sentiment.Params().embedding_dim for row in vecs)
    for name in ("training_curves.png", "embedding_words.png"):
        assert (out / name).read_bytes().startswith(b"\x89PNG")


@pytest.mark.slow
def test_sentiment_reports_progress_every_epoch_up_to_done(runs):
    reports = runs["bilstm"]["reports"]
    fractions = [f for f, _ in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    epochs = [n for _, n in reports if "epoch" in n]
    assert len(epochs) == sentiment.Params().epochs and "epoch 20/20" in epochs[-1]


@pytest.mark.slow
def test_sentiment_summary_states_the_validation_accuracy(runs):
    result = runs["pooling"]["result"]
    assert f"{result.metrics['val_accuracy']:.1%}" in result.summary
    assert "bilstm" in result.summary  # the coaching hint points to the other model
    assert all(isinstance(v, (int, float)) and np.isfinite(v) for v in result.metrics.values())


@pytest.mark.slow
def test_sentiment_an_exception_from_progress_stops_training(tmp_path):
    progress, seen = cancel_at_first_epoch()
    with pytest.raises(Cancelled):
        sentiment.run(sentiment.Params(epochs=5), tmp_path, progress)
    assert sum("epoch" in n for n in seen) == 1
    assert not (tmp_path / "model.keras").exists()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["pooling", "bilstm"])
@pytest.mark.parametrize("text, label", [
    ("the food was delicious and the staff were friendly", "positive"),
    ("i loved this film, a wonderful and moving story", "positive"),
    ("the hotel room was dirty and the staff were rude", "negative"),
    ("a terrible boring movie, a complete waste of money", "negative"),
])
def test_classify_gives_obvious_sentences_the_right_label(runs, kind, text, label):
    result = sentiment.classify(runs[kind]["out"], text)
    assert result["label"] == label
    assert (result["probability"] > 0.5) == (label == "positive")


@pytest.mark.slow
@pytest.mark.parametrize("text, label", [
    ("the pizza was not good at all", "negative"),
    ("the acting was superb but the plot was boring", "negative"),
    ("the plot was boring but the acting was superb", "positive"),
])
def test_classify_with_bilstm_reads_negation_and_but(runs, text, label):
    assert sentiment.classify(runs["bilstm"]["out"], text)["label"] == label


@pytest.mark.slow
def test_run_classify_summarises_the_label_and_unknown_words(runs, tmp_path):
    params = sentiment.ClassifyParams(source_job_id=1, model_dir=runs["bilstm"]["out"],
                                      text="The popcorn was awful and stale")
    result = sentiment.run_classify(params, tmp_path)
    assert result.extras["label"] == "negative" and "negative" in result.summary
    assert result.extras["oov_words"] == ["popcorn"] and "popcorn" in result.summary
    assert 0.0 <= result.metrics["probability_positive"] < 0.5


def test_classify_without_a_trained_model_fails_with_advice(tmp_path):
    with pytest.raises(SkillError, match="Train one first"):
        sentiment.run_classify(sentiment.ClassifyParams(source_job_id=1, model_dir=tmp_path, text="good"), tmp_path)


@pytest.mark.slow
def test_run_tokenize_shows_keras_ids_oov_words_and_subword_pieces(tmp_path):
    reports = []
    result = sentiment.run_tokenize(sentiment.TokenizeParams(text="The popcorn was unbelievably tasty!"),
                                    tmp_path, lambda f, n: reports.append(f))
    extras = result.extras
    assert set(extras) == {"keras_tokens", "keras_ids", "oov_words", "subword_pieces", "subword_ids"}
    assert extras["keras_tokens"] == ["the", "popcorn", "was", "unbelievably", "tasty"]
    assert extras["oov_words"] == ["popcorn", "unbelievably"]
    assert len(extras["keras_ids"]) == sentiment.DEFAULT_MAX_LENGTH and extras["keras_ids"][5:] == [0] * 15
    assert extras["keras_ids"][1] == 1 and extras["keras_ids"][4] > 1
    assert len(extras["subword_pieces"]) == len(extras["subword_ids"]) > 5
    assert "popcorn" in result.summary and reports[-1] == 1.0


@pytest.mark.slow
def test_tokenize_demo_trains_the_subword_model_once_per_cache_dir(tmp_path):
    first = sentiment.tokenize_demo("the soup was good", tmp_path)
    files = {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    second = sentiment.tokenize_demo("the soup was good", tmp_path)
    assert first == second
    assert {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == files and len(files) == 1


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["pooling", "bilstm"])
def test_sentiment_reports_every_metric_its_spec_declares(runs, kind):
    result = runs[kind]["result"]
    assert result.skill == sentiment.SPEC.name
    assert set(sentiment.SPEC.metrics) <= set(result.metrics)
