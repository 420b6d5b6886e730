"""The snippet and web page texts an export hands a learner: templates in skills/templates/ filled
in by skills/export_snippets.py (fast), and the real files of exported models (slow)."""

import fnmatch
import tomllib

import numpy as np
import pytest

from skills import export_snippets as snippets
from tests.conftest import ROOT

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
