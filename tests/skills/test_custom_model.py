""""Run my model": the learner's pasted layer list trains on bundled data beside the book's model.

The pasted code here also holds `import os; os.system("touch <marker>")`: it is reviewed, built
and trained, and the marker must never appear, because the code is only ever parsed.
"""

import numpy as np
import pytest
from pydantic import ValidationError

from skills import custom_model
from skills.base import SkillError
from tests.usercode.uploads import write_images
from usercode.build import build
from usercode.extract import code_of, sketch
from usercode.review import review

PASTED_CNN = '''\
```python
import os
os.system("touch {marker}")
import tensorflow as tf
(x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 28, 28, 1) / 255.0
model = tf.keras.models.Sequential([
    tf.keras.layers.Conv2D(16, (3, 3), activation='relu', input_shape=(28, 28, 1)),
    tf.keras.layers.MaxPooling2D(2, 2),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(64, activation='relu'),
    tf.keras.layers.Dense(10, activation='softmax')
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(x_train, y_train, epochs=2)
__import__("os").system("touch {marker}")
```
why doesn't this work?'''


def _params(code: str, epochs: int | None = None) -> custom_model.Params:
    return custom_model.Params.model_validate(build(sketch(code_of(code)), epochs=epochs).spec)


@pytest.fixture(scope="module")
def pasted_run(tmp_path_factory):
    marker = tmp_path_factory.mktemp("marker") / "executed"
    message = PASTED_CNN.format(marker=marker)
    findings = review(sketch(code_of(message)), message)
    out = tmp_path_factory.mktemp("custom_cnn")
    reports = []
    result = custom_model.run(_params(message), out, lambda f, note: reports.append((f, note)))
    return marker, findings, result, out, reports


def test_default_params_are_the_books_chapter_2_classifier():
    params = custom_model.Params()
    assert params.data == "digits" and [layer.kind for layer in params.layers] == ["Flatten", "Dense", "Dense"]


@pytest.mark.parametrize("layers", [
    [{"kind": "Lambda", "config": {"function": "lambda x: __import__('os').system('id')"}}],
    [{"kind": "Dense", "config": {"units": 10, "activation": "softmax", "kernel_regularizer": "l2"}}],
    [{"kind": "Dense", "config": {"units": 10, "activation": "os.system"}}],
    [{"kind": "Flatten"}, {"kind": "Dense", "config": {"units": 3000}}, {"kind": "Dense", "config": {"units": 10}}],
])
def test_params_refuse_a_spec_outside_the_whitelist_or_the_bounds_whoever_wrote_it(layers):
    with pytest.raises(ValidationError):
        custom_model.Params.model_validate({"data": "digits", "input_shape": [28, 28], "layers": layers})


def test_params_refuse_more_than_two_million_parameters():
    layers = [{"kind": "Flatten"}, {"kind": "Dense", "config": {"units": 1024}},
              {"kind": "Dense", "config": {"units": 1024}}, {"kind": "Dense", "config": {"units": 1024}},
              {"kind": "Dense", "config": {"units": 10, "activation": "softmax"}}]
    with pytest.raises(ValidationError, match="at most 2,000,000"):
        custom_model.Params.model_validate({"data": "digits", "input_shape": [40, 40], "layers": layers})


@pytest.mark.slow
def test_a_pasted_cnn_trains_on_the_digits_beside_the_books_cnn(pasted_run):
    _, _, result, out, reports = pasted_run
    metrics = result.metrics
    assert metrics["epochs"] == 2 and metrics["params"] == 16 * 9 + 16 + 13 * 13 * 16 * 64 + 64 + 650
    assert metrics["val_accuracy"] >= 0.8 and 0 < metrics["book_val_accuracy"] <= 1
    assert "the digits resized to 28x28" in result.summary and "book's" in result.summary
    assert {a.path.name for a in result.artifacts} == {"comparison.png", "training_curves.png", "model.keras",
                                                       "validation.npz"}
    assert all((out / name).stat().st_size > 0 for name in ("comparison.png", "model.keras"))
    assert any("your model: epoch 2/2" in note for _, note in reports)
    assert any("the book's CNN: epoch 1/2" in note for _, note in reports)


@pytest.mark.slow
def test_pasted_code_with_os_system_is_reviewed_and_run_but_never_executed(pasted_run):
    marker, findings, result, _, _ = pasted_run
    assert findings == []  # the model itself is fine: nothing to report
    assert result.metrics["val_accuracy"] > 0
    assert not marker.exists()


@pytest.mark.slow
def test_a_pasted_forecaster_trains_on_the_series_and_is_scored_against_naive(tmp_path):
    code = ("model = tf.keras.Sequential([tf.keras.layers.Dense(10, input_shape=[20], activation='relu'),\n"
            "                             tf.keras.layers.Dense(1)])\nmodel.compile(loss='mse', optimizer='adam')")
    result = custom_model.run(_params(code, epochs=1), tmp_path)
    metrics = result.metrics
    assert metrics["mae"] == metrics["score"] and np.isfinite(metrics["book_mae"]) and metrics["naive_mae"] > 0
    assert "windows of 20" in result.summary


@pytest.mark.slow
def test_a_pasted_embedding_model_trains_on_the_reviews(tmp_path):
    code = ("model = tf.keras.Sequential([tf.keras.layers.Embedding(1000, 16),\n"
            "    tf.keras.layers.GlobalAveragePooling1D(), tf.keras.layers.Dense(1, activation='sigmoid')])\n"
            "model.compile(loss='binary_crossentropy', optimizer='adam')")
    result = custom_model.run(_params(code, epochs=2), tmp_path)
    assert 0.4 <= result.metrics["val_accuracy"] <= 1 and "review sentences" in result.summary


@pytest.mark.slow
def test_a_pasted_cnn_trains_on_the_learners_uploaded_images_inside_their_own_folder(tmp_path):
    folder = write_images(tmp_path, "learner1")
    code = ("model = tf.keras.Sequential([tf.keras.layers.Conv2D(8, 3, activation='relu', input_shape=(16, 16, 3)),\n"
            "    tf.keras.layers.MaxPooling2D(), tf.keras.layers.Flatten(),\n"
            "    tf.keras.layers.Dense(3, activation='softmax')])\n"
            "model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01),\n"
            "              loss='sparse_categorical_crossentropy')")
    spec = {**build(sketch(code), epochs=10, image_classes=3).spec, "upload_dir": str(folder)}
    root = folder.parent  # what the worker sets: the job's learner's own uploads folder (D35)
    result = custom_model.run(custom_model.Params.model_validate({**spec, "uploads_root": root}), tmp_path / "run")
    assert result.metrics["val_accuracy"] >= 0.8 and "uploaded images (red, green, blue) at 16x16" in result.summary
    elsewhere = custom_model.Params.model_validate({**spec, "uploads_root": tmp_path / "someone-else"})
    with pytest.raises(SkillError, match="only train on your own uploads"):
        custom_model.run(elsewhere, tmp_path / "refused")
