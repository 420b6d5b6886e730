"""The snippet and web page texts an export hands a learner: templates in skills/templates/ filled
in by skills/export_snippets.py (fast), and the real files of exported models (slow)."""

import fnmatch
import json
import re
import tomllib

import numpy as np
import pytest

from skills import export_snippets as snippets
from tests.conftest import ROOT
from tests.skills.export_helpers import artifact, keras_model, page_calls, run_snippet, snippet, validation

ROW = np.array([[0.25], [1.5]], np.float32)


def test_every_template_ships_as_package_data():
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["skills"]
    templates = sorted(p.relative_to(ROOT / "skills").as_posix() for p in snippets.TEMPLATES.iterdir())
    assert templates
    for name in templates:
        assert any(fnmatch.fnmatch(name, pattern) for pattern in globs), name


def test_a_missing_placeholder_value_fails_instead_of_leaving_a_gap():
    with pytest.raises(KeyError, match="archive"):
        snippets.render("serving.sh", model_name="m", version=1, label="x", body="{}")


def test_dollar_signs_in_values_are_kept_verbatim():
    script = snippets.serving_script("m", 1, "m-serving.tar.gz", ROW, "costs $5 ${x}")
    assert "(expected answer: costs $5 ${x})" in script


def test_serving_script_keeps_its_shell_command_substitution():
    script = snippets.serving_script("digits", 3, "digits-serving.tar.gz", ROW, "7")
    assert "source=$(pwd)/digits,target=/models/digits" in script
    assert script.startswith("#!/bin/sh\n") and "curl -d '{\"instances\": [[[0.25],[1.5]]]}' \\\n" in script


def test_kotlin_sketch_keeps_its_kotlin_string_template():
    kotlin = snippets.kotlin_activity("m.tflite", ROW, "2", 1, "regression", None, note="a $note")
    assert 'Log.i("Tutor", "prediction: $answer")' in kotlin
    assert "androidResources { noCompress += \"tflite\" }).\n// a $note\npackage" in kotlin


def test_litert_script_is_valid_python_with_the_example_row():
    script = snippets.litert_script("m_float32.tflite", ROW, "1.5", snippets.describe_source("regression", None))
    compile(script, "predict_litert.py", "exec")
    assert "EXAMPLE = np.array([0.25, 1.5], dtype=np.float32).reshape((2, 1))" in script


def test_page_embeds_its_script_library_verbatim_and_escapes_the_config():
    config = {"title": "T", "kind": "number", "task": "regression", "inputShape": [1], "dtype": "float32",
              "classNames": ["</script>"], "example": [1.0], "outputLabel": "y"}
    page = snippets.tfjs_page(config)
    library = (snippets.TEMPLATES / "tfjs_page_lib.js").read_text()
    assert f'<script id="tutor-lib">\n{library}</script>' in page
    assert page.count("</script>") == 4 and "\\u003c/script>" in page
    assert '<input id="text" type="number" step="any">' in page and "$" not in page.split("<script")[0]


# ---- the files of real exported models (slow) ----------------------------------------------------

@pytest.mark.slow
def test_export_neuron_litert_snippet_runs_and_prints_the_keras_prediction(neuron):
    result, run_dir, out, _ = neuron
    printed = run_snippet(result, out)
    x, _ = validation(run_dir)
    value = float(re.search(r"prediction: (-?[\d.]+)", printed).group(1))
    assert value == pytest.approx(float(keras_model(run_dir).predict(x[:1], verbose=0)[0, 0]), abs=0.1)


@pytest.mark.slow
def test_export_cnn_page_turns_a_big_drawing_back_into_the_digit_the_model_knows(cnn, tmp_path):
    """The page's downsampling of a 224x224 drawing (here: validation digits blown up 28x) gives
    nearly the 8x8 input again, and the model still reads the right digit."""
    result, run_dir, _ = cnn
    page = artifact(result, "tfjs-page").path
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
    # The file the recommendation (text and table) names, whichever it is.
    recommended = result.extras["recommended"]
    assert result.extras["recommendation"].startswith(f"Pick {recommended}:")
    assert f"digits_{recommended}.tflite" in snippet(result, "predict_litert.py").read_text()


@pytest.mark.slow
def test_export_cnn_kotlin_sketch_uses_the_interpreter_with_the_models_shapes(cnn):
    result, _, _ = cnn
    kotlin = snippet(result, "MainActivity.kt").read_text()
    assert "import org.tensorflow.lite.Interpreter" in kotlin
    assert "Array(1) { i0 -> Array(8) { i1 -> Array(8) { i2 -> FloatArray(1)" in kotlin
    assert "Array(1) { FloatArray(10) }" in kotlin
    assert kotlin.count("f,") + 1 >= 64  # the 64 pixel values of a real row


@pytest.mark.slow
def test_export_sentiment_page_tokenizes_like_python(sentiment, tmp_path):
    from skills import text_data

    result, run_dir, _ = sentiment
    page = artifact(result, "tfjs-page").path
    sentences = ["The film was NOT good, but the popcorn... was great!", "zzqx unknown wordz",
                 "a " * 30, "It's a wonderful-ish day; I'd recommend it."]
    vectorizer = text_data.vectorizer_from_vocabulary(text_data.load_vocabulary(run_dir / "vocab.txt"), 20)
    got = page_calls(page, [{"fn": "tokenize", "args": [s]} for s in sentences], tmp_path)
    assert got == vectorizer(sentences).numpy().tolist()
