"""The text-generation skill: bounds and sampling (fast); training, generation, exports (slow)."""

import numpy as np
import pytest
from pydantic import ValidationError

from skills import text_data, textgen
from skills.base import SkillError
from skills.training import keras
from tests.skills.cancelling import Cancelled, cancel_at_first_epoch

# Measured with the defaults (30 epochs): ~0.87 training accuracy on this machine; most
# continuations of a song line are memorised by then. 0.75 leaves room for seed and thread noise
# while still failing a model that has only learned the common words ("the", "and": ~0.15).
ACCURACY_FLOOR = 0.75


@pytest.mark.parametrize("bad", [
    {"seed_text": ""}, {"seed_text": "a" * 201}, {"num_words": 0}, {"num_words": 101},
    {"temperature": 0.09}, {"temperature": 2.01}, {"epochs": 0}, {"epochs": 301},
    {"embedding_dim": 3}, {"embedding_dim": 129}, {"lstm_units": 7}, {"lstm_units": 257}, {"seed": -1},
])
def test_textgen_params_reject_values_outside_bounds(bad):
    with pytest.raises(ValidationError):
        textgen.Params.model_validate(bad)


def test_textgen_params_accept_the_edges_of_the_bounds():
    textgen.Params(seed_text="a" * 200, num_words=100, temperature=2.0, epochs=300,
                   embedding_dim=128, lstm_units=256)
    textgen.Params(seed_text="a", num_words=1, temperature=0.1, epochs=1, embedding_dim=4, lstm_units=8)


def test_ngram_sequences_are_the_books_pre_padded_prefixes():
    vectorizer = text_data.fit_vectorizer(["in the town", "the town of athy"], None)
    index = {w: i for i, w in enumerate(text_data.vocabulary_of(vectorizer))}
    i = [index[w] for w in ("in", "the", "town", "of", "athy")]
    sequences = textgen.ngram_sequences(["in the town", "the town of athy"], vectorizer)
    assert sequences.tolist() == [
        [0, 0, i[0], i[1]], [0, i[0], i[1], i[2]],
        [0, 0, i[1], i[2]], [0, i[1], i[2], i[3]], [i[1], i[2], i[3], i[4]],
    ]


def test_sample_never_picks_padding_or_unk_and_low_temperature_picks_the_top_word():
    rng = np.random.default_rng(0)
    probabilities = np.array([0.5, 0.3, 0.15, 0.05])  # at 0.1: 3**10 to 1
    assert {textgen.sample(probabilities, 2.0, rng) for _ in range(200)} == {2, 3}
    assert {textgen.sample(probabilities, 0.1, rng) for _ in range(200)} == {2}


def test_textgen_seed_without_words_fails_with_advice(tmp_path):
    with pytest.raises(SkillError, match="no words"):
        textgen.run(textgen.Params(seed_text="?!"), tmp_path)


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """The default training, once; the trained Keras model is captured for comparisons."""
    built, reports = [], []
    build = textgen.build_model
    out = tmp_path_factory.mktemp("textgen")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(textgen, "build_model", lambda *a: built.append(build(*a)) or built[-1])
        result = textgen.run(textgen.Params(), out, lambda f, n: reports.append((f, n)))
    vocabulary = text_data.load_vocabulary(out / "vocab.txt")
    return {"result": result, "out": out, "model": built[0], "reports": reports, "vocabulary": vocabulary}


@pytest.mark.slow
def test_textgen_generated_text_is_the_seed_plus_exactly_num_words_words(default_run):
    params, generated = textgen.Params(), default_run["result"].extras["generated"]
    assert generated.startswith(params.seed_text + " ")
    assert len(generated.split()) == len(params.seed_text.split()) + params.num_words
    assert default_run["result"].extras["unknown_words"] == []


@pytest.mark.slow
def test_textgen_training_accuracy_is_above_the_measured_floor(default_run):
    metrics = default_run["result"].metrics
    assert metrics["accuracy"] >= ACCURACY_FLOOR
    assert metrics["perplexity"] == pytest.approx(np.exp(metrics["loss"]))
    assert all(isinstance(v, (int, float)) and np.isfinite(v) for v in metrics.values())


@pytest.mark.slow
def test_textgen_same_seed_same_text_other_seed_other_text(default_run):
    model, vocabulary = default_run["model"], default_run["vocabulary"]
    first = textgen.generate(model, vocabulary, "the rain it was falling", 15, 0.8, seed=7)
    assert textgen.generate(model, vocabulary, "the rain it was falling", 15, 0.8, seed=7) == first
    assert textgen.generate(model, vocabulary, "the rain it was falling", 15, 0.8, seed=8) != first


@pytest.mark.slow
def test_textgen_lower_temperature_gives_less_varied_text(default_run):
    model, vocabulary = default_run["model"], default_run["vocabulary"]

    def distinct_words(temperature):
        samples = [textgen.generate(model, vocabulary, "oh the", 12, temperature, seed=s) for s in range(4)]
        return len({word for text in samples for word in text.split()[2:]})

    cold, hot = distinct_words(0.2), distinct_words(1.5)
    assert cold < hot


@pytest.mark.slow
def test_textgen_saved_model_and_vocab_reproduce_the_generated_text(default_run):
    result, out = default_run["result"], default_run["out"]
    kinds = {a.path.name: a.kind for a in result.artifacts}
    assert kinds == {"model.keras": "model", "vocab.txt": "data", "validation.npz": "validation-data",
                     "training_curves.png": "plot"}
    loaded = keras().models.load_model(out / "model.keras", custom_objects=textgen.SPEC.custom_objects())
    validation = np.load(out / "validation.npz")
    assert validation["x"].shape == (500, loaded.input_shape[1]) and validation["y"].shape == (500,)
    assert np.allclose(loaded.predict(validation["x"], verbose=0),
                       default_run["model"].predict(validation["x"], verbose=0), atol=1e-5)
    params = textgen.Params()
    again = textgen.generate(loaded, default_run["vocabulary"], params.seed_text, params.num_words,
                             params.temperature, params.seed)
    assert again == result.extras["generated"]
    assert (out / "training_curves.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.slow
def test_textgen_reports_progress_every_epoch_and_summary_quotes_the_text(default_run):
    reports, result = default_run["reports"], default_run["result"]
    fractions = [f for f, _ in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert sum("epoch" in n for _, n in reports) == textgen.Params().epochs
    assert result.extras["generated"] in result.summary
    assert f"{result.metrics['accuracy']:.0%}" in result.summary
    top = result.extras["top_next_words"]
    assert len(top) == 5 and all(isinstance(t["word"], str) for t in top)


@pytest.mark.slow
def test_textgen_names_unknown_seed_words_and_still_generates(tmp_path):
    params = textgen.Params(seed_text="In the town of Zanzibar", num_words=7, epochs=1)
    result = textgen.run(params, tmp_path)
    assert result.extras["unknown_words"] == ["zanzibar"] and "zanzibar" in result.summary
    assert len(result.extras["generated"].split()) == 5 + 7


@pytest.mark.slow
def test_textgen_an_exception_from_progress_stops_training(tmp_path):
    progress, seen = cancel_at_first_epoch()
    with pytest.raises(Cancelled):
        textgen.run(textgen.Params(epochs=5), tmp_path, progress)
    assert sum("epoch" in n for n in seen) == 1
    assert not (tmp_path / "model.keras").exists()


@pytest.mark.slow
def test_textgen_reports_every_metric_its_spec_declares(default_run):
    result = default_run["result"]
    assert result.skill == textgen.SPEC.name
    assert set(textgen.SPEC.metrics) <= set(result.metrics)
