"""The vision skill: bounds and coaching rules (fast); CNN/dense training, artifacts (slow)."""

import numpy as np
import pytest
from pydantic import ValidationError

from skills import vision
from skills.base import SkillError
from skills.vision_data import IDX_FIXTURE_DIR


@pytest.mark.parametrize("bad", [
    {"epochs": 0}, {"epochs": 51}, {"dropout": -0.1}, {"dropout": 0.6},
    {"train_fraction": 0.01}, {"train_fraction": 1.5}, {"model": "rnn"}, {"dataset": "cifar"},
    {"seed": -1}, {"previous": {"val_accuracy": float("nan")}},
    {"previous": {f"m{i}": 0.5 for i in range(65)}}, {"previous": {"x" * 41: 0.5}},
])
def test_vision_params_reject_values_outside_bounds(bad):
    with pytest.raises(ValidationError):
        vision.Params.model_validate(bad)


def test_vision_params_accept_the_edges_of_the_bounds():
    vision.Params(epochs=1, dropout=0.0, train_fraction=0.05, model="dense")
    vision.Params(epochs=50, dropout=0.5, train_fraction=1.0, previous={"val_accuracy": 0.9})


def _history(loss, val_loss):
    return {"loss": loss, "val_loss": val_loss}


def test_diagnosis_calls_a_big_train_validation_gap_overfitting_and_suggests_dropout():
    verdict, coaching = vision.diagnose(_history([1, 0.5], [1, 0.6]), 1.0, 0.9, vision.Params(model="dense"))
    assert verdict == "overfitting" and "Try: train a dense with dropout 0.3." in coaching


def test_diagnosis_calls_rising_validation_loss_overfitting_even_with_a_small_gap():
    history = _history([1.0, 0.5, 0.3, 0.2, 0.1, 0.05], [1.0, 0.4, 0.3, 0.4, 0.5, 0.6])
    verdict, coaching = vision.diagnose(history, 0.99, 0.97, vision.Params(dropout=0.3))
    assert verdict == "overfitting" and "validation loss rose from 0.300 (epoch 3)" in coaching
    assert "augmentation" in coaching


def test_diagnosis_ignores_noise_on_a_tiny_validation_loss():
    history = _history([1.0, 0.2, 0.1, 0.05, 0.04], [0.5, 0.1, 0.066, 0.07, 0.086])
    assert vision.diagnose(history, 0.99, 0.975, vision.Params())[0] == "good"


def test_diagnosis_calls_low_training_accuracy_underfitting_and_suggests_a_cnn():
    verdict, coaching = vision.diagnose(_history([2.3, 2.1], [2.3, 2.2]), 0.4, 0.38, vision.Params(model="dense"))
    assert verdict == "underfitting" and "Try: train a cnn for 15 epochs." in coaching


def test_comparison_with_previous_run_names_both_accuracies_and_the_gap_change():
    text = vision.compare_with_previous({"val_accuracy": 0.962, "overfit_gap": 0.01},
                                        {"val_accuracy": 0.948, "overfit_gap": 0.05})
    assert text == ("Validation accuracy 0.962 vs 0.948 last time; the train/validation gap "
                    "shrank from 0.050 to 0.010.")
    assert vision.compare_with_previous({"val_accuracy": 0.9, "overfit_gap": 0.0}, None) == ""


def test_fashion_mnist_without_its_files_fails_with_advice(tmp_path):
    with pytest.raises(SkillError, match="Fashion-MNIST needs its four files"):
        vision.run(vision.Params(dataset="fashion_mnist", fashion_mnist_dir=tmp_path), tmp_path / "out")


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("vision")
    reports = []
    result = vision.run(vision.Params(), out, lambda f, note: reports.append((f, note)))
    return result, out, reports


@pytest.mark.slow
def test_cnn_on_digits_reaches_095_val_accuracy_with_defaults(default_run):
    result, _, _ = default_run
    assert result.metrics["val_accuracy"] >= 0.95
    assert result.metrics["params"] > 10_000 and result.metrics["epochs"] == 15
    assert all(0 <= result.metrics[f"accuracy_class_{i}"] <= 1 for i in range(10))
    assert np.mean([result.metrics[f"accuracy_class_{i}"] for i in range(10)]) >= 0.95


@pytest.mark.slow
def test_default_cnn_is_diagnosed_a_good_fit_and_summary_gives_the_accuracy(default_run):
    result, _, _ = default_run
    assert result.extras["diagnosis"] == "good"
    assert result.extras["coaching"] in result.summary
    assert f"{result.metrics['val_accuracy']:.3f} validation accuracy" in result.summary
    assert result.metrics["overfit_gap"] == pytest.approx(
        result.metrics["train_accuracy"] - result.metrics["val_accuracy"])


@pytest.mark.slow
def test_vision_reports_progress_every_epoch_up_to_done(default_run):
    _, _, reports = default_run
    fractions = [f for f, _ in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert sum("epoch" in note for _, note in reports) == 15


@pytest.mark.slow
def test_vision_model_loads_back_and_predicts_like_the_trained_one(default_run):
    from skills.training import keras

    result, out, _ = default_run
    kinds = {a.kind: a.path for a in result.artifacts}
    assert kinds["model"] == out / "model.keras" and kinds["validation-data"] == out / "validation.npz"
    data = np.load(out / "validation.npz")
    assert data["x"].shape == (359, 8, 8, 1) and data["y"].shape == (359,)
    model = keras().models.load_model(out / "model.keras", custom_objects=vision.SPEC.custom_objects())
    accuracy = float((model.predict(data["x"], verbose=0).argmax(axis=1) == data["y"]).mean())
    assert accuracy == pytest.approx(result.metrics["val_accuracy"], abs=1e-6)


@pytest.mark.slow
def test_vision_plots_are_three_pngs(default_run):
    result, _, _ = default_run
    plots = [a.path for a in result.artifacts if a.kind == "plot"]
    assert [p.name for p in plots] == ["curves.png", "confusion.png", "predictions.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in plots)


@pytest.mark.slow
def test_dense_on_a_small_share_overfits_and_coaching_says_so(tmp_path):
    result = vision.run(vision.Params(model="dense", train_fraction=0.1, epochs=50), tmp_path)
    assert result.metrics["train_examples"] < 150
    assert result.metrics["overfit_gap"] > 0.05
    assert result.extras["diagnosis"] == "overfitting"
    assert "Try: train a dense with dropout 0.3 on all the training data." in result.summary


@pytest.mark.slow
def test_one_epoch_dense_underfits_and_coaching_says_so(tmp_path):
    result = vision.run(vision.Params(model="dense", train_fraction=0.1, epochs=1), tmp_path)
    assert result.extras["diagnosis"] == "underfitting"
    assert "Try: train a cnn" in result.extras["coaching"]


@pytest.mark.slow
def test_augmented_dropout_run_compares_itself_with_the_previous_run(tmp_path):
    previous = {"val_accuracy": 0.5, "overfit_gap": 0.2}
    result = vision.run(vision.Params(augmentation=True, dropout=0.3, epochs=6, previous=previous), tmp_path)
    assert result.metrics["val_accuracy"] > 0.8
    assert f"Validation accuracy {result.metrics['val_accuracy']:.3f} vs 0.500 last time" in result.summary
    assert "gap shrank from 0.200" in result.summary


@pytest.mark.slow
def test_fashion_mnist_runs_from_idx_files_when_present(tmp_path):
    params = vision.Params(dataset="fashion_mnist", epochs=2, fashion_mnist_dir=IDX_FIXTURE_DIR)
    assert "fashion_mnist_dir" not in params.model_dump()  # a job never stores a folder
    result = vision.run(params, tmp_path)
    assert result.metrics["train_examples"] == 60 and result.metrics["val_examples"] == 20
    assert np.load(tmp_path / "validation.npz")["x"].shape == (20, 28, 28, 1)
    assert "Ankle boot" in result.extras["class_names"]


@pytest.mark.slow
def test_an_exception_from_progress_stops_the_training(tmp_path):
    class Cancelled(Exception):
        pass

    def cancel_at_epoch_2(fraction, note):
        if "epoch 2/" in note:
            raise Cancelled

    with pytest.raises(Cancelled):
        vision.run(vision.Params(epochs=10), tmp_path, cancel_at_epoch_2)
    assert not (tmp_path / "model.keras").exists()


@pytest.mark.slow
def test_vision_reports_every_metric_its_spec_declares(default_run):
    result = default_run[0]
    assert result.skill == vision.SPEC.name
    assert set(vision.SPEC.metrics) <= set(result.metrics)
