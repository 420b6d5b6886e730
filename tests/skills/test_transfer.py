"""The transfer skill: handle checks (fast); the hub module, transfer vs scratch, saving (slow)."""

import shutil

import numpy as np
import pytest
from pydantic import ValidationError

from skills import hub_module, transfer


@pytest.mark.parametrize("bad", [
    {"handle": "http://tfhub.dev/google/imagenet/mobilenet_v2_100_224/feature_vector/5"},
    {"handle": "https://example.com/model"},
    {"handle": "https://tfhub.dev.evil.com/x"},
    {"handle": "https://tfhub.dev@evil.com/x"},
    {"handle": "https://tfhub.dev:8443/x"},
    {"handle": "https://tfhub.dev/"},
    {"handle": "file:///etc/passwd"},
    {"handle": "/tmp/some/saved_model"},
    {"handle": "https://tfhub.dev/google/x 5"},
    {"handle": "https://tfhub.dev/" + "a" * 300},
    {"shots": 4}, {"shots": 101}, {"epochs": 0}, {"epochs": 101},
    {"hub_image_size": 16}, {"seed": -1},
])
def test_transfer_params_reject_values_outside_bounds_and_unknown_handles(bad):
    with pytest.raises(ValidationError):
        transfer.Params.model_validate(bad)


@pytest.mark.parametrize("handle", [
    "local",
    "https://tfhub.dev/google/imagenet/mobilenet_v2_100_224/feature_vector/5",
    "https://www.kaggle.com/models/google/mobilenet-v2/TensorFlow2/100-224-feature-vector/2",
    "https://kaggle.com/models/google/mobilenet-v2/TensorFlow2/100-224-feature-vector/2",
])
def test_transfer_params_accept_local_and_hub_urls(handle):
    assert transfer.Params(handle=handle, shots=5).handle == handle
    transfer.Params(shots=100, epochs=100, hub_image_size=512)


def test_few_shot_split_uses_only_new_digits_and_a_fixed_validation_set():
    x_train, y_train, x_val, y_val = transfer.few_shot_split(shots=7, seed=3)
    assert np.bincount(y_train).tolist() == [7] * 5 and np.bincount(y_val).tolist() == [50] * 5
    assert np.array_equal(transfer.few_shot_split(shots=20, seed=9)[2], x_val)
    # no shot is a validation image
    assert not {row.tobytes() for row in x_train} & {row.tobytes() for row in x_val}


@pytest.fixture(scope="module")
def module_dir(tmp_path_factory):
    """The local hub module's folder (Settings.hub_module_dir), built by the first run."""
    return tmp_path_factory.mktemp("hub") / "digits-features"


@pytest.fixture(scope="module")
def default_run(module_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("transfer")
    reports = []
    params = transfer.Params(hub_module_dir=module_dir)
    result = transfer.run(params, out, lambda f, note: reports.append((f, note)))
    return result, out, reports


@pytest.mark.slow
def test_run_builds_the_missing_module_first_and_reports_it(default_run, module_dir):
    result, _, reports = default_run
    assert result.metrics["module_built"] == 1
    assert hub_module.module_is_built(module_dir)
    assert "building the pretrained feature module" in reports[0][1]
    assert any("pretraining on digits 0-4" in note for _, note in reports)


@pytest.mark.slow
def test_module_loads_through_hub_keras_layer_as_frozen_256_features(default_run, module_dir):
    import tensorflow_hub as hub

    layer = hub.KerasLayer(str(module_dir), trainable=False)
    features = layer(np.zeros((3, 8, 8, 1), np.float32))
    assert features.shape == (3, hub_module.FEATURES)
    assert layer.trainable_weights == [] and len(layer.weights) > 0


@pytest.mark.slow
def test_transfer_beats_training_from_scratch_on_ten_shots(default_run):
    result, _, _ = default_run
    metrics = result.metrics
    # Observed with defaults (10 shots, 10 epochs), seeds 0-3: gains 0.104, 0.084, 0.152, 0.096.
    assert metrics["gain"] >= 0.05
    assert metrics["transfer_val_accuracy"] >= 0.85
    assert metrics["gain"] == pytest.approx(metrics["transfer_val_accuracy"] - metrics["scratch_val_accuracy"])
    assert metrics["shots"] == 10 and metrics["train_examples"] == 50
    assert metrics["transfer_trainable_params"] < metrics["scratch_trainable_params"] / 10


@pytest.mark.slow
def test_transfer_summary_names_both_accuracies_and_the_gain(default_run):
    result, _, _ = default_run
    m = result.metrics
    for number in (m["transfer_val_accuracy"], m["scratch_val_accuracy"], m["gain"]):
        assert f"{number:.3f}" in result.summary


@pytest.mark.slow
def test_transfer_model_uses_a_hub_layer_and_loads_back_predicting_the_same(default_run):
    from skills.training import keras

    result, out, _ = default_run
    kinds = {a.kind: a.path for a in result.artifacts}
    assert kinds["model"] == out / "model.keras" and kinds["plot"].read_bytes().startswith(b"\x89PNG")
    data = np.load(kinds["validation-data"])
    assert data["x"].shape == (250, 8, 8, 1) and sorted(set(data["y"].tolist())) == [0, 1, 2, 3, 4]
    model = keras().models.load_model(out / "model.keras", custom_objects=transfer.SPEC.custom_objects())
    assert any(type(layer).__name__ == "KerasLayer" for layer in model.layers)
    accuracy = float((model.predict(data["x"], verbose=0).argmax(axis=1) == data["y"]).mean())
    assert accuracy == pytest.approx(result.metrics["transfer_val_accuracy"], abs=1e-6)


@pytest.mark.slow
def test_saved_model_loads_even_when_its_module_folder_is_gone(default_run, module_dir, monkeypatch, tmp_path):
    """The .keras file holds the weights; a missing saved handle is re-pointed at this
    machine's module (rebuilt here in another folder), and predictions do not change."""
    _, out, _ = default_run
    data = np.load(out / "validation.npz")
    before = hub_module.load_model(out / "model.keras").predict(data["x"], verbose=0)
    moved = tmp_path / "moved"
    shutil.move(module_dir, moved)
    try:
        after = hub_module.load_model(out / "model.keras", tmp_path / "rebuilt").predict(data["x"], verbose=0)
        assert hub_module.module_is_built(tmp_path / "rebuilt")
    finally:
        shutil.move(moved, module_dir)
    assert np.allclose(before, after, atol=1e-5)


@pytest.mark.slow
def test_cli_builds_a_module_into_the_given_folder(tmp_path, capsys):
    assert transfer.main(["build", str(tmp_path / "mod")]) == 0
    assert hub_module.module_is_built(tmp_path / "mod")
    assert str(tmp_path / "mod") in capsys.readouterr().out
    assert transfer.main(["make"]) == 2


@pytest.mark.slow
def test_an_exception_from_progress_stops_the_transfer_run(default_run, tmp_path):
    class Cancelled(Exception):
        pass

    def cancel_in_scratch(fraction, note):
        if note.startswith("from scratch"):
            raise Cancelled

    with pytest.raises(Cancelled):
        transfer.run(transfer.Params(epochs=5), tmp_path, cancel_in_scratch)
    assert not (tmp_path / "model.keras").exists()


@pytest.mark.slow
def test_plain_model_predicts_like_the_hub_model_without_a_keras_layer(default_run):
    _, out, _ = default_run
    data = np.load(out / "validation.npz")
    model = hub_module.load_model(out / "model.keras")
    plain = transfer.plain_model(model)
    assert not any(type(layer).__name__ == "KerasLayer" for layer in plain.layers)
    assert np.allclose(plain.predict(data["x"], verbose=0), model.predict(data["x"], verbose=0), atol=1e-5)


@pytest.mark.slow
def test_transfer_reports_every_metric_its_spec_declares(default_run):
    result = default_run[0]
    assert result.skill == transfer.SPEC.name
    assert set(transfer.SPEC.metrics) <= set(result.metrics)
