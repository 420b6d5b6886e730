"""The export skill: parameter bounds and errors (fast); every format of real exported models
loaded back and checked against Keras (slow: TFLite with LiteRT, TF.js in Node, SavedModel)."""

import json
import re
import subprocess
import sys
import tarfile

import numpy as np
import pytest
from pydantic import ValidationError

from skills import export
from skills.base import SkillError
from tests.conftest import ROOT
from tests.node.tfjs import NODE_ENV, tfjs_predict



# ---- parameters and errors (fast) --------------------------------------------------------------

@pytest.mark.parametrize("bad", [
    {"source_skill": "chess"}, {"source_job_id": 0}, {"source_job_id": "seven"},
    {"formats": []}, {"formats": ["tflite", "tflite"]}, {"formats": ["onnx"]},
    {"tflite_variants": []}, {"tflite_variants": ["int8", "int8"]}, {"tflite_variants": ["int4"]},
    {"model_name": "Model"}, {"model_name": "1model"}, {"model_name": "my-model"},
    {"model_name": "m" * 41}, {"version": 0}, {"version": 10000},
])
def test_export_params_reject_values_outside_bounds(bad):
    with pytest.raises(ValidationError):
        export.Params.model_validate({"source_job_id": 1, "source_skill": "vision", **bad})


def test_export_params_default_to_every_format_and_variant_and_accept_the_edges():
    params = export.Params(source_job_id=1, source_skill="vision")
    assert params.formats == ["tflite", "tfjs", "serving"]
    assert params.tflite_variants == ["float32", "dynamic", "float16", "int8"]
    assert (params.model_name, params.version) == ("model", 1)
    export.Params(source_job_id=1, source_skill="textgen", formats=["serving"],
                  tflite_variants=["int8"], model_name="m" + "a" * 39, version=9999)


def test_export_params_never_store_the_source_folder(tmp_path):
    params = export.Params(source_job_id=3, model_dir=tmp_path, source_skill="vision")
    assert "model_dir" not in params.model_dump(mode="json")  # the worker fills it in per run


def test_export_whose_source_the_worker_could_not_find_asks_to_train_first(tmp_path):
    with pytest.raises(SkillError, match="Train it again"):
        export.run(export.Params(source_job_id=3, source_skill="vision"), tmp_path / "out")


def test_export_without_a_trained_model_asks_to_train_first(tmp_path):
    params = export.Params(source_job_id=1, model_dir=str(tmp_path / "empty"), source_skill="vision")
    with pytest.raises(SkillError, match="model.keras and validation.npz missing.*train a model first"):
        export.run(params, tmp_path / "out")


# ---- helpers -----------------------------------------------------------------------------------

def artifact(result, kind):
    return next(a for a in result.artifacts if a.kind == kind)


def snippet(result, name):
    return next(a.path for a in result.artifacts if a.kind == "snippet" and a.path.name == name)


def keras_model(run_dir):
    from skills.training import keras
    return keras().models.load_model(run_dir / "model.keras", compile=False)


def validation(run_dir):
    with np.load(run_dir / "validation.npz") as data:
        return data["x"], data["y"]


def page_calls(page, calls, tmp_path):
    calls_file = tmp_path / "calls.json"
    calls_file.write_text(json.dumps(calls))
    out = subprocess.run(["node", str(ROOT / "tests/node/page_lib.cjs"), str(page), str(calls_file)],
                         capture_output=True, text=True, check=True, timeout=60, env=NODE_ENV)
    return json.loads(out.stdout)


def check_saved_model(result, out_dir, run_dir, dtype, name="model", version=1):
    """The tar.gz holds <name>/<version>/ whose serving_default takes the model's real input and
    predicts what Keras predicts."""
    import tensorflow as tf

    archive = artifact(result, "serving").path
    assert archive.name == f"{name}-serving.tar.gz"
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        assert f"{name}/{version}/saved_model.pb" in names
        assert any(n.startswith(f"{name}/{version}/variables/") for n in names)
        tar.extractall(out_dir / "unpacked")
    model, (x, _) = keras_model(run_dir), validation(run_dir)
    serve = tf.saved_model.load(str(out_dir / "unpacked" / name / str(version))).signatures["serving_default"]
    (spec,) = serve.structured_input_signature[1].values()
    assert spec.shape.as_list() == [None, *model.input_shape[1:]]
    assert spec.dtype == dtype
    got = serve(tf.constant(x[:8]))["outputs"].numpy()
    np.testing.assert_allclose(got, model.predict(x[:8], verbose=0), atol=1e-5)


def run_snippet(result, out_dir):
    out = subprocess.run([sys.executable, "predict_litert.py"], cwd=out_dir, capture_output=True,
                         text=True, timeout=120, check=True)
    return out.stdout


# ---- hello neuron: a regressor ---------------------------------------------------------------

@pytest.fixture(scope="module")
def neuron(tmp_path_factory):
    from skills import hello_neuron

    run_dir = tmp_path_factory.mktemp("neuron_run")
    hello_neuron.run(hello_neuron.Params(epochs=300), run_dir)
    out = tmp_path_factory.mktemp("neuron_export")
    reports = []
    result = export.run(export.Params(source_job_id=1, model_dir=str(run_dir), source_skill="hello_neuron"), out,
                        lambda f, note: reports.append((f, note)))
    return result, run_dir, out, reports


@pytest.mark.slow
def test_export_neuron_every_tflite_variant_predicts_within_005_mae_of_keras(neuron):
    result, run_dir, out, _ = neuron
    assert result.extras["failed"] == []
    assert [row["variant"] for row in result.extras["table"]] == ["float32", "dynamic", "float16", "int8"]
    for variant in ("float32", "dynamic", "float16", "int8"):
        assert (out / f"model_{variant}.tflite").stat().st_size == result.metrics[f"size_{variant}"]
        assert result.metrics[f"mae_{variant}"] <= result.metrics["keras_mae"] + 0.05
    assert result.metrics["keras_gap_float32"] < 1e-4
    assert result.metrics["params"] == 2


@pytest.mark.slow
def test_export_neuron_tflite_files_load_and_predict_like_keras(neuron):
    from skills.converters import tflite_predict

    _, run_dir, out, _ = neuron
    xs = np.array([[-1.0], [0.0], [2.5], [4.0]], np.float32)  # inside int8's calibration range
    expected = keras_model(run_dir).predict(xs, verbose=0)
    assert np.allclose(tflite_predict(out / "model_float32.tflite", xs), expected, atol=1e-4)
    assert np.allclose(tflite_predict(out / "model_int8.tflite", xs), expected, atol=0.1)
    # Outside it int8 clips: x = -3 reads as x = -1 (the smallest validation x).
    assert tflite_predict(out / "model_int8.tflite", np.array([[-3.0]]))[0, 0] == pytest.approx(expected[0, 0], abs=0.1)


@pytest.mark.slow
def test_export_neuron_tfjs_loads_in_node_and_predicts_like_keras(neuron, tmp_path):
    result, run_dir, _, _ = neuron
    tfjs = artifact(result, "tfjs")
    assert sorted(p.name for p in tfjs.extra_files) == ["group1-shard1of1.bin", "index.html", "tf.min.js"]
    x, _ = validation(run_dir)
    np.testing.assert_allclose(tfjs_predict(tfjs.path, x, tmp_path), keras_model(run_dir).predict(x, verbose=0),
                               atol=1e-4)


@pytest.mark.slow
def test_export_neuron_saved_model_signature_takes_one_float_and_predicts_like_keras(neuron):
    import tensorflow as tf

    result, run_dir, out, _ = neuron
    check_saved_model(result, out, run_dir, tf.float32)


@pytest.mark.slow
def test_export_neuron_litert_snippet_runs_and_prints_the_keras_prediction(neuron):
    result, run_dir, out, _ = neuron
    printed = run_snippet(result, out)
    x, _ = validation(run_dir)
    value = float(re.search(r"prediction: (-?[\d.]+)", printed).group(1))
    assert value == pytest.approx(float(keras_model(run_dir).predict(x[:1], verbose=0)[0, 0]), abs=0.1)


@pytest.mark.slow
def test_export_neuron_recommends_float32_because_quantizing_two_weights_saves_nothing(neuron):
    result, _, _, _ = neuron
    assert result.extras["recommendation"].startswith("Pick float32: with only 2 parameters")
    assert result.extras["recommendation"] in result.summary


@pytest.mark.slow
def test_export_reports_progress_up_to_done(neuron):
    _, _, _, reports = neuron
    fractions = [f for f, _ in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("int8" in note for _, note in reports)


@pytest.mark.slow
def test_export_an_exception_from_progress_stops_the_run(neuron, tmp_path):
    _, run_dir, _, _ = neuron

    def cancel(fraction, note):
        if "TFLite" in note:
            raise RuntimeError("cancelled")

    with pytest.raises(RuntimeError, match="cancelled"):
        export.run(export.Params(source_job_id=1, model_dir=str(run_dir), source_skill="hello_neuron"), tmp_path, cancel)
    assert not list(tmp_path.glob("*.tflite"))


@pytest.mark.slow
def test_export_a_failing_variant_is_reported_and_the_others_delivered(neuron, tmp_path, monkeypatch):
    from skills import converters

    _, run_dir, _, _ = neuron
    real = converters.to_tflite_variant

    def broken_float16(model, path, variant, *args, **kwargs):
        if variant == "float16":
            raise ValueError("float16 converter exploded")
        return real(model, path, variant, *args, **kwargs)

    monkeypatch.setattr(converters, "to_tflite_variant", broken_float16)
    result = export.run(export.Params(source_job_id=1, model_dir=str(run_dir), source_skill="hello_neuron", formats=["tflite"]),
                        tmp_path)
    assert result.extras["failed"] == [{"variant": "tflite_float16", "error": "ValueError: float16 converter exploded"}]
    assert sorted(a.path.name for a in result.artifacts if a.kind == "tflite") == [
        "model_dynamic.tflite", "model_float32.tflite", "model_int8.tflite"]
    assert "size_float16" not in result.metrics and "tflite_float16" in result.summary


@pytest.mark.slow
def test_export_fails_naming_the_variants_when_everything_fails(neuron, tmp_path, monkeypatch):
    from skills import converters

    _, run_dir, _, _ = neuron

    def broken(*args, **kwargs):
        raise RuntimeError("no converter today")

    monkeypatch.setattr(converters, "to_tflite_variant", broken)
    params = export.Params(source_job_id=1, model_dir=str(run_dir), source_skill="hello_neuron", formats=["tflite"],
                           tflite_variants=["float32", "int8"])
    with pytest.raises(SkillError, match="tflite_float32, tflite_int8"):
        export.run(params, tmp_path)


# ---- digits CNN: an image classifier ---------------------------------------------------------

@pytest.fixture(scope="module")
def cnn(tmp_path_factory):
    from skills import vision

    run_dir = tmp_path_factory.mktemp("cnn_run")
    vision.run(vision.Params(model="cnn", epochs=4), run_dir)
    out = tmp_path_factory.mktemp("cnn_export")
    result = export.run(export.Params(source_job_id=1, model_dir=str(run_dir), source_skill="vision", model_name="digits",
                                      version=3), out)
    return result, run_dir, out


@pytest.mark.slow
def test_export_cnn_every_tflite_variant_keeps_accuracy_within_2_points_of_keras(cnn):
    result, _, _ = cnn
    assert result.extras["failed"] == []
    assert result.metrics["keras_accuracy"] > 0.9
    for variant in ("float32", "dynamic", "float16", "int8"):
        assert result.metrics[f"accuracy_{variant}"] >= result.metrics["keras_accuracy"] - 0.02
        assert result.metrics[f"agreement_{variant}"] >= 0.97
    assert result.metrics["agreement_float32"] == 1.0


@pytest.mark.slow
def test_export_cnn_int8_is_int8_in_and_out_and_at_least_35x_smaller(cnn):
    from ai_edge_litert.interpreter import Interpreter

    result, _, out = cnn
    assert result.metrics["params"] > 10_000
    # Per-channel quantization gave 3.41x on this 53k-parameter CNN; per tensor, 3.74x.
    assert result.metrics["int8_size_ratio"] >= 3.5
    interpreter = Interpreter(model_path=str(out / "digits_int8.tflite"))
    assert interpreter.get_input_details()[0]["dtype"] == np.int8
    assert interpreter.get_output_details()[0]["dtype"] == np.int8


@pytest.mark.slow
def test_export_cnn_tfjs_loads_in_node_and_predicts_like_keras(cnn, tmp_path):
    result, run_dir, _ = cnn
    x, _ = validation(run_dir)
    np.testing.assert_allclose(tfjs_predict(artifact(result, "tfjs").path, x[:6], tmp_path),
                               keras_model(run_dir).predict(x[:6], verbose=0), atol=1e-4)


@pytest.mark.slow
def test_export_cnn_page_turns_a_big_drawing_back_into_the_digit_the_model_knows(cnn, tmp_path):
    """The page's downsampling of a 224x224 drawing (here: validation digits blown up 28x) gives
    nearly the 8x8 input again, and the model still reads the right digit."""
    result, run_dir, _ = cnn
    page = next(p for p in artifact(result, "tfjs").extra_files if p.name == "index.html")
    html = page.read_text()
    assert 'src="./tf.min.js"' in html and "tf.loadLayersModel(\"./model.json\")" in html
    assert "window.tutorPredict" in html and "dataset.ready" in html and "https://" not in html
    x, y = validation(run_dir)
    calls = [{"fn": "pixelsToInput", "args": [np.kron(x[i, :, :, 0], np.ones((28, 28))).ravel().tolist(), 224, 224]}
             for i in range(30)]
    drawn = np.array(page_calls(page, calls, tmp_path), np.float32).reshape(-1, 8, 8, 1)
    assert np.abs(drawn - x[:30]).mean() < 0.08
    model = keras_model(run_dir)
    same = model.predict(drawn, verbose=0).argmax(1) == model.predict(x[:30], verbose=0).argmax(1)
    assert same.mean() >= 0.9


@pytest.mark.slow
def test_export_cnn_saved_model_signature_takes_8x8x1_floats_and_predicts_like_keras(cnn):
    import tensorflow as tf

    result, run_dir, out = cnn
    check_saved_model(result, out, run_dir, tf.float32, name="digits", version=3)


@pytest.mark.slow
def test_export_cnn_serving_script_curls_a_real_validation_row(cnn):
    result, run_dir, _ = cnn
    script = snippet(result, "serving.sh").read_text()
    assert ("docker run -p 8501:8501 --mount type=bind,source=$(pwd)/digits,target=/models/digits "
            "-e MODEL_NAME=digits -t tensorflow/serving") in script
    assert "http://localhost:8501/v1/models/digits:predict" in script
    body = json.loads(re.search(r"curl -d '([^']+)'", script).group(1))
    x, _ = validation(run_dir)
    np.testing.assert_allclose(np.array(body["instances"], np.float32), x[:1], atol=1e-6)


@pytest.mark.slow
def test_export_cnn_litert_snippet_runs_and_prints_the_keras_class(cnn):
    result, run_dir, out = cnn
    printed = run_snippet(result, out)
    x, _ = validation(run_dir)
    keras_class = int(keras_model(run_dir).predict(x[:1], verbose=0).argmax())
    assert re.search(r"prediction: (\d) ", printed).group(1) == str(keras_class)
    assert "digits_int8.tflite" in snippet(result, "predict_litert.py").read_text()


@pytest.mark.slow
def test_export_cnn_kotlin_sketch_uses_the_interpreter_with_the_models_shapes(cnn):
    result, _, _ = cnn
    kotlin = snippet(result, "MainActivity.kt").read_text()
    assert "import org.tensorflow.lite.Interpreter" in kotlin
    assert "Array(1) { i0 -> Array(8) { i1 -> Array(8) { i2 -> FloatArray(1)" in kotlin
    assert "Array(1) { FloatArray(10) }" in kotlin
    assert kotlin.count("f,") + 1 >= 64  # the 64 pixel values of a real row


@pytest.mark.slow
def test_export_cnn_summary_has_a_line_per_variant_and_the_recommendation(cnn):
    result, _, _ = cnn
    lines = result.summary.splitlines()
    for variant in ("float32", "dynamic", "float16", "int8"):
        assert any(line.startswith(variant) and f"{result.metrics[f'size_{variant}'] / 1000:.1f} kB" in line
                   for line in lines)
    assert lines[-1] == result.extras["recommendation"]
    assert re.match(r"Pick (int8|dynamic|float16|float32): ", result.extras["recommendation"])
    assert {row["variant"] for row in result.extras["table"]} == {"float32", "dynamic", "float16", "int8"}
    assert all(set(row) >= {"variant", "size_bytes", "accuracy", "delta"} for row in result.extras["table"])


# ---- the size rule -----------------------------------------------------------------------------

@pytest.mark.slow
def test_export_int8_is_at_least_35x_smaller_on_a_cnn_over_100k_params(tmp_path):
    """Sizes do not depend on training, so an untrained wider CNN (16x16 digits) will do."""
    from skills import vision

    model = vision.build_model("cnn", (16, 16, 1), 10, 0.0)
    assert model.count_params() > 100_000
    (tmp_path / "run").mkdir()
    model.save(tmp_path / "run" / "model.keras")
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "run" / "validation.npz", x=rng.random((64, 16, 16, 1), np.float32),
             y=rng.integers(0, 10, 64))
    result = export.run(export.Params(source_job_id=1, model_dir=str(tmp_path / "run"), source_skill="vision",
                                      formats=["tflite"], tflite_variants=["float32", "int8"]), tmp_path / "out")
    assert result.metrics["int8_size_ratio"] >= 3.5


# ---- sentiment: token ids in ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def sentiment(tmp_path_factory):
    from skills import sentiment as skill

    run_dir = tmp_path_factory.mktemp("sentiment_run")
    skill.run(skill.Params(epochs=8), run_dir)
    out = tmp_path_factory.mktemp("sentiment_export")
    result = export.run(export.Params(source_job_id=1, model_dir=str(run_dir), source_skill="sentiment"), out)
    return result, run_dir, out


@pytest.mark.slow
def test_export_sentiment_int8_keeps_int32_token_ids_in_and_accuracy_within_2_points(sentiment):
    from ai_edge_litert.interpreter import Interpreter

    result, _, out = sentiment
    assert result.extras["failed"] == []
    assert result.metrics["accuracy_int8"] >= result.metrics["keras_accuracy"] - 0.02
    assert Interpreter(model_path=str(out / "model_int8.tflite")).get_input_details()[0]["dtype"] == np.int32
    assert any("int32 token ids" in note for note in result.extras["notes"])


@pytest.mark.slow
def test_export_sentiment_tfjs_predicts_like_keras_and_its_page_tokenizes_like_python(sentiment, tmp_path):
    from skills import text_data

    result, run_dir, _ = sentiment
    tfjs = artifact(result, "tfjs")
    x, _ = validation(run_dir)
    np.testing.assert_allclose(tfjs_predict(tfjs.path, x[:8], tmp_path),
                               keras_model(run_dir).predict(x[:8], verbose=0), atol=1e-4)
    page = next(p for p in tfjs.extra_files if p.name == "index.html")
    sentences = ["The film was NOT good, but the popcorn... was great!", "zzqx unknown wordz",
                 "a " * 30, "It's a wonderful-ish day; I'd recommend it."]
    vectorizer = text_data.vectorizer_from_vocabulary(text_data.load_vocabulary(run_dir / "vocab.txt"), 20)
    got = page_calls(page, [{"fn": "tokenize", "args": [s]} for s in sentences], tmp_path)
    assert got == vectorizer(sentences).numpy().tolist()


@pytest.mark.slow
def test_export_transfer_model_reaches_tfjs_as_plain_layers_and_predicts_like_keras(tmp_path):
    """TF.js cannot hold a hub KerasLayer; the export rebuilds the network from plain layers."""
    from skills import transfer

    run_dir = tmp_path / "run"
    transfer.run(transfer.Params(epochs=2), run_dir)
    out = tmp_path / "export"
    result = export.run(export.Params(source_job_id=1, model_dir=str(run_dir), source_skill="transfer",
                                      formats=["tfjs", "tflite"], tflite_variants=["float32"]), out)
    assert result.extras["failed"] == []
    x, _ = validation(run_dir)
    expected = transfer.load_model(run_dir / "model.keras").predict(x[:6], verbose=0)
    np.testing.assert_allclose(tfjs_predict(artifact(result, "tfjs").path, x[:6], tmp_path),
                               expected, atol=1e-4)
