"""The transfer skill's pretrained feature extractor as a TensorFlow Hub module.

Offline, the hub handle "local" is a SavedModel the project makes itself: a small CNN pretrained on
the digits 0-4 only, so its features have never seen the classes the transfer skill learns. It
lives in Settings.hub_module_dir (default models/hub/digits-features, built by `make`).

Saving: a .keras file stores a KerasLayer as its handle plus its weights; the handle must resolve
to a SavedModel of the same shape. `_keras_layer_class` re-points a saved local handle that no
longer exists (other machine, cleaned folder) at this machine's module, building it if needed.
"""

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from skills.base import Progress, no_progress
from skills.training import keras, progress_callback, seed_everything

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODULE_DIR = ROOT / "models" / "hub" / "digits-features"
MODULE_INFO = "tutor_module.json"
MODULE_VERSION = 1  # bump when the module's architecture or training changes: caches rebuild
PRETRAIN_DIGITS = (0, 1, 2, 3, 4)
PRETRAIN_EPOCHS = 10
PRETRAIN_LEARNING_RATE = 1e-3
FEATURES = 256  # 2x2 positions x 64 filters: general stroke detectors, not a 5-class summary


def module_dir(configured: Path | None = None) -> Path:
    """Where the local hub module lives: the configured folder (Settings.hub_module_dir, which the
    worker passes in Params) or models/hub/digits-features."""
    return Path(configured) if configured else DEFAULT_MODULE_DIR


def module_is_built(path: Path) -> bool:
    info = Path(path) / MODULE_INFO
    if not (Path(path) / "saved_model.pb").is_file() or not info.is_file():
        return False
    return json.loads(info.read_text()).get("version") == MODULE_VERSION


def feature_extractor(name: str = "features") -> Any:
    """A small CNN that turns an 8x8 digit into FEATURES numbers. The features are the last
    conv block's output: a Dense layer trained on only five classes (tried) collapses to
    features for those five and transfers worse."""
    k = keras()
    layers = k.layers
    return k.Sequential([
        layers.Input((8, 8, 1)),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(64, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
    ], name=name)


def build_feature_module(path: Path, seed: int = 0, progress: Progress = no_progress) -> Path:
    """Pretrain the feature extractor on the digits 0-4 and save it as a TF2 SavedModel that
    hub.KerasLayer loads (a Keras model saved with tf.saved_model.save implements the reusable
    SavedModel API: __call__ with a training flag, variables, trainable_variables). Written
    to a temporary sibling folder and moved into place, so a reader never sees half a module."""
    import tensorflow as tf

    from skills.vision_data import load_digits

    k = keras()
    seed_everything(seed)
    images, labels = load_digits()
    seen = np.isin(labels, PRETRAIN_DIGITS)
    extractor = feature_extractor()
    classifier = k.Sequential([extractor, k.layers.Dropout(0.3),
                               k.layers.Dense(len(PRETRAIN_DIGITS), activation="softmax")])
    classifier.compile(optimizer=k.optimizers.Adam(PRETRAIN_LEARNING_RATE),
                       loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = classifier.fit(
        images[seen], labels[seen], epochs=PRETRAIN_EPOCHS, batch_size=32, verbose=0,
        callbacks=[progress_callback(progress, PRETRAIN_EPOCHS, label="pretraining on digits 0-4")],
    ).history

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}-", dir=path.parent))
    try:
        tf.saved_model.save(extractor, str(staging))
        (staging / MODULE_INFO).write_text(json.dumps({
            "version": MODULE_VERSION, "input": [None, 8, 8, 1], "output": [None, FEATURES],
            "pretrained_on": "digits 0-4 of data/vision/digits.csv.gz", "seed": seed,
            "epochs": PRETRAIN_EPOCHS, "train_accuracy": round(float(history["accuracy"][-1]), 4),
        }, indent=1))
        if path.exists():
            shutil.rmtree(path)  # an outdated module
        os.replace(staging, path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return path


def resolve_handle(handle: str, progress: Progress = no_progress,
                   folder: Path | None = None) -> tuple[str, bool]:
    """(handle for hub.KerasLayer, whether the local module had to be built now); "local" is
    the module in `folder` (default: models/hub/digits-features)."""
    if handle != "local":
        return handle, False
    path = module_dir(folder)
    if module_is_built(path):
        return str(path), False
    progress(0.0, f"building the pretrained feature module in {path} (first run only)")
    build_feature_module(path, progress=progress)
    return str(path), True


def keras_layer_class(folder: Path | None = None) -> type:
    """hub.KerasLayer whose from_config re-points a saved local handle that no longer exists
    at this machine's module (in `folder`); the weights themselves come from the .keras file."""
    import tensorflow_hub as hub

    class KerasLayer(hub.KerasLayer):  # type: ignore[misc]  # tensorflow_hub is untyped (Any)
        @classmethod
        def from_config(cls, config: dict[str, Any]) -> Any:
            handle = config.get("handle")
            if isinstance(handle, str) and "://" not in handle and not Path(handle).exists():
                config = {**config, "handle": resolve_handle("local", folder=folder)[0]}
            return hub.KerasLayer.from_config(config)

    return KerasLayer


def load_model(path: Path, module_folder: Path | None = None) -> Any:
    """Load a saved transfer model (model.keras) with its hub layer (re-pointed at the module in
    `module_folder` when its saved one is gone)."""
    return keras().models.load_model(path, custom_objects={"KerasLayer": keras_layer_class(module_folder)})


def plain_model(model: Any) -> Any:
    """The same network as a trained local-handle transfer model, with the hub layer replaced by
    its plain Keras layers (same weights). For exporters that cannot hold a KerasLayer: the TF.js
    layers format has no such layer. URL modules have no known architecture: ValueError."""
    k = keras()
    hub_layer = next(layer for layer in model.layers if type(layer).__name__ == "KerasLayer")
    if model.input_shape != (None, 8, 8, 1) or "://" in str(hub_layer.get_config().get("handle")):
        raise ValueError("only models on the local digits module can be rebuilt as plain Keras")
    extractor = feature_extractor()
    by_shape = {tuple(w.shape): w.numpy() for w in hub_layer.weights}
    extractor.set_weights([by_shape[tuple(w.shape)] for w in extractor.weights])
    head = model.get_layer("head")
    plain = k.Sequential([extractor, k.layers.Dense(head.units, activation="softmax", name="head")],
                         name="transfer_plain")
    plain.build((None, 8, 8, 1))
    plain.get_layer("head").set_weights(head.get_weights())
    return plain


