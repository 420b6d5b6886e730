"""The files of each format (skills/export_formats.py), loaded back and checked against Keras:
TFLite with LiteRT, TF.js in Node, the TF Serving SavedModel."""

import zipfile

import numpy as np
import pytest

from skills import export, export_formats
from skills.base import SkillError
from skills.converters import TFLITE_VARIANTS
from tests.node.tfjs import tfjs_predict
from tests.skills.export_helpers import artifact, check_saved_model, keras_model, validation


def test_a_converter_error_is_reported_as_its_error_line():
    noise = RuntimeError("loc(callsite(\"dense\" at fused[...])): error: 'tfl.fully_connected' op has no int8 kernel\n"
                         "note: see current operation: ...\n" + "x" * 500)
    assert export_formats.describe_error(noise) == "RuntimeError: 'tfl.fully_connected' op has no int8 kernel"
    assert export_formats.describe_error(SkillError("our own words")) == "our own words"
    assert len(export_formats.describe_error(ValueError("y" * 1000))) == 300


def test_the_android_sketch_considers_every_tflite_variant():
    assert sorted(export_formats.ANDROID_VARIANT_ORDER) == sorted(TFLITE_VARIANTS)


@pytest.mark.slow
def test_export_without_tf_min_js_reports_the_tfjs_page_and_delivers_the_rest(neuron, tmp_path, monkeypatch):
    _, run_dir, _, _ = neuron
    missing = tmp_path / "web" / "dist" / "tfjs" / "tf.min.js"
    monkeypatch.setattr(export_formats, "TFJS_SCRIPT", missing)
    params = export.Params(source_job_id=1, model_dir=run_dir, source_skill="hello_neuron",
                           formats=["tflite", "tfjs"], tflite_variants=["float32"])
    result = export.run(params, tmp_path / "out")
    error = f"No TF.js page: {missing} is missing (the web build copies it there; run `make web`)."
    assert result.extras["failed"] == [{"variant": "tfjs", "error": error}]
    assert [a.path.name for a in result.artifacts if a.kind == "tflite"] == ["model_float32.tflite"]
    assert "Could not export: tfjs (No TF.js page:" in result.summary
    with pytest.raises(SkillError, match=r"Every export failed \(tfjs\): No TF.js page: .* run `make web`"):
        export.run(params.model_copy(update={"formats": ["tfjs"]}), tmp_path / "only_tfjs")


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
    assert [p.name for p in tfjs.extra_files] == ["group1-shard1of1.bin"]
    page, bundle = artifact(result, "tfjs-page"), artifact(result, "tfjs-zip")
    assert page.path.name == "index.html" and [p.name for p in page.extra_files] == ["tf.min.js"]
    with zipfile.ZipFile(bundle.path) as archive:  # the whole folder, ready to serve
        assert sorted(archive.namelist()) == ["tfjs/group1-shard1of1.bin", "tfjs/index.html",
                                              "tfjs/model.json", "tfjs/tf.min.js"]
    x, _ = validation(run_dir)
    np.testing.assert_allclose(tfjs_predict(tfjs.path, x, tmp_path), keras_model(run_dir).predict(x, verbose=0),
                               atol=1e-4)


@pytest.mark.slow
def test_export_neuron_saved_model_signature_takes_one_float_and_predicts_like_keras(neuron):
    import tensorflow as tf

    result, run_dir, out, _ = neuron
    check_saved_model(result, out, run_dir, tf.float32)


@pytest.mark.slow
def test_export_cnn_tfjs_loads_in_node_and_predicts_like_keras(cnn, tmp_path):
    result, run_dir, _ = cnn
    x, _ = validation(run_dir)
    np.testing.assert_allclose(tfjs_predict(artifact(result, "tfjs").path, x[:6], tmp_path),
                               keras_model(run_dir).predict(x[:6], verbose=0), atol=1e-4)


@pytest.mark.slow
def test_export_cnn_saved_model_signature_takes_8x8x1_floats_and_predicts_like_keras(cnn):
    import tensorflow as tf

    result, run_dir, out = cnn
    check_saved_model(result, out, run_dir, tf.float32, name="digits", version=3)


@pytest.mark.slow
def test_export_sentiment_tfjs_predicts_like_keras(sentiment, tmp_path):
    result, run_dir, _ = sentiment
    tfjs = artifact(result, "tfjs")
    x, _ = validation(run_dir)
    np.testing.assert_allclose(tfjs_predict(tfjs.path, x[:8], tmp_path),
                               keras_model(run_dir).predict(x[:8], verbose=0), atol=1e-4)
