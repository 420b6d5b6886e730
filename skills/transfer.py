"""Chapter 3's transfer learning: reuse a pretrained feature extractor from TensorFlow Hub.

New task: tell the digits 5-9 apart from only `shots` examples of each. The model is
`hub.KerasLayer(handle, trainable=False)` plus a small Dense head; the same network trained from
scratch on the same few examples shows how much the pretrained features help.

Offline, the hub handle is a SavedModel the project makes itself (`build_feature_module`): a
small CNN pretrained on the digits 0-4 only, so the features have never seen the new classes.
It lives in Settings.hub_module_dir (default models/hub/digits-features, which `make` builds with
`python -m skills.transfer build <dir>`); run() builds it there first when it is missing.
Online users may pass a tfhub.dev or kaggle.com URL instead; their 8x8 digits are then resized
and copied to three channels to suit an ImageNet feature vector.

Saving: a .keras file stores a KerasLayer as its handle plus its weights. The weights load from
the file, but the handle must resolve to a SavedModel of the same shape. SPEC.custom_objects() maps
"KerasLayer" to a subclass that, when a saved local handle no longer exists (other machine,
cleaned folder), points it at this machine's module, building it if needed; `load_model(path)`
wraps that.
"""

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
from pydantic import BaseModel, Field, field_validator

from skills.base import (ArtifactFile, ExportSpec, Progress, SkillError, SkillResult, SkillSpec,
                         no_progress)
from skills.training import keras, progress_callback, seed_everything

NAME = "transfer"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODULE_DIR = ROOT / "models" / "hub" / "digits-features"
MODULE_INFO = "tutor_module.json"
MODULE_VERSION = 1  # bump when the module's architecture or training changes: caches rebuild
ALLOWED_HOSTS = ("tfhub.dev", "www.kaggle.com", "kaggle.com")
PRETRAIN_DIGITS = (0, 1, 2, 3, 4)
NEW_DIGITS = (5, 6, 7, 8, 9)
VAL_PER_CLASS = 50  # fixed validation images per new digit, never used as shots
PRETRAIN_EPOCHS = 10
FEATURES = 256  # 2x2 positions x 64 filters: general stroke detectors, not a 5-class summary
BATCH_SIZE = 16
# Adam's usual step for training a CNN (the from-scratch model, and pretraining). A frozen
# extractor leaves only a linear head of FEATURES x 5 weights to learn: it takes bigger steps.
LEARNING_RATE = 1e-3
HEAD_LEARNING_RATE = 1e-2
FINE_TUNE_LEARNING_RATE = 1e-3  # once the pretrained weights train too, back to the usual step
SPLIT_SEED = 1234


class Params(BaseModel):
    # "local" (the project's module) or an https URL on tfhub.dev / kaggle.com (needs internet).
    handle: str = Field(default="local", min_length=1, max_length=300)
    shots: int = Field(default=10, ge=5, le=100)  # training examples per new digit
    epochs: int = Field(default=10, ge=1, le=100)  # the same for both models
    fine_tune: bool = False  # also train the hub layer's weights (trainable=True)
    hub_image_size: int = Field(default=224, ge=32, le=512)  # input size for URL modules only
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    # Settings.hub_module_dir, filled in by the worker (SPEC.settings); never stored with the job.
    hub_module_dir: Path | None = Field(default=None, exclude=True)

    @field_validator("handle")
    @classmethod
    def _known_hub_url(cls, handle: str) -> str:
        if handle == "local":
            return handle
        check_url_handle(handle)
        return handle


def check_url_handle(handle: str) -> None:
    """Only https URLs on TF Hub's hosts: a handle is fetched and executed as a SavedModel."""
    parts = urlsplit(handle)
    if (parts.scheme != "https" or parts.hostname not in ALLOWED_HOSTS or parts.username
            or parts.password or parts.port not in (None, 443) or not parts.path.strip("/")
            or any(c.isspace() for c in handle)):
        raise ValueError(
            "handle must be 'local' or an https URL of a model on tfhub.dev or kaggle.com, "
            "e.g. https://tfhub.dev/google/imagenet/mobilenet_v2_100_224/feature_vector/5")


# --- the project's hub module -------------------------------------------------------------------

def module_dir(configured: Path | None = None) -> Path:
    """Where the local hub module lives: the configured folder (Settings.hub_module_dir, which the
    worker passes in Params) or models/hub/digits-features."""
    return Path(configured) if configured else DEFAULT_MODULE_DIR


def module_is_built(path: Path) -> bool:
    info = Path(path) / MODULE_INFO
    if not (Path(path) / "saved_model.pb").is_file() or not info.is_file():
        return False
    return json.loads(info.read_text()).get("version") == MODULE_VERSION


def feature_extractor(name: str = "features"):
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
    classifier.compile(optimizer=k.optimizers.Adam(LEARNING_RATE),
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


def _keras_layer_class(folder: Path | None = None):
    """hub.KerasLayer whose from_config re-points a saved local handle that no longer exists
    at this machine's module (in `folder`); the weights themselves come from the .keras file."""
    import tensorflow_hub as hub

    class KerasLayer(hub.KerasLayer):
        @classmethod
        def from_config(cls, config):
            handle = config.get("handle")
            if isinstance(handle, str) and "://" not in handle and not Path(handle).exists():
                config = {**config, "handle": resolve_handle("local", folder=folder)[0]}
            return hub.KerasLayer.from_config(config)

    return KerasLayer


def load_model(path: Path, module_folder: Path | None = None):
    """Load a saved transfer model (model.keras) with its hub layer (re-pointed at the module in
    `module_folder` when its saved one is gone)."""
    return keras().models.load_model(path, custom_objects={"KerasLayer": _keras_layer_class(module_folder)})


def plain_model(model):
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


# --- data and models ----------------------------------------------------------------------------

def few_shot_split(shots: int, seed: int):
    """(x_train, y_train, x_val, y_val) for the digits 5-9, labels 0-4. Validation is a fixed
    VAL_PER_CLASS images per digit; the shots are drawn from the rest with the learner's seed."""
    from skills.vision_data import load_digits

    images, labels = load_digits()
    fixed, draw = np.random.default_rng(SPLIT_SEED), np.random.default_rng(seed)
    train, val = [], []
    for digit in NEW_DIGITS:
        members = fixed.permutation(np.flatnonzero(labels == digit))
        val.append(members[:VAL_PER_CLASS])
        train.append(draw.choice(members[VAL_PER_CLASS:], size=shots, replace=False))
    train, val = np.concatenate(train), np.sort(np.concatenate(val))
    return images[train], labels[train] - NEW_DIGITS[0], images[val], labels[val] - NEW_DIGITS[0]


def _compile(model, learning_rate: float):
    k = keras()
    model.compile(optimizer=k.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def build_transfer_model(handle: str, fine_tune: bool = False, hub_image_size: int = 224):
    """Digits in, hub features, a Dense head out. URL modules expect RGB photos, so the digit
    is resized and copied to three channels first."""
    import tensorflow_hub as hub

    k = keras()
    layers = k.layers
    inputs = layers.Input((8, 8, 1), name="digit")
    x = inputs
    if "://" in handle:
        x = layers.Resizing(hub_image_size, hub_image_size)(x)
        x = layers.Concatenate()([x, x, x])
    try:
        hub_layer = hub.KerasLayer(handle, trainable=fine_tune, name="hub_features")
    except (OSError, ValueError) as error:
        raise SkillError(f"Could not load the hub module {handle} ({error}). Online modules need "
                         "internet access; use the handle 'local' to run offline.") from error
    x = hub_layer(x)
    outputs = layers.Dense(len(NEW_DIGITS), activation="softmax", name="head")(x)
    model = k.Model(inputs, outputs, name="transfer")
    return _compile(model, FINE_TUNE_LEARNING_RATE if fine_tune else HEAD_LEARNING_RATE)


def build_scratch_model():
    """The module's architecture with random weights, plus the same head."""
    k = keras()
    model = k.Sequential([feature_extractor("features_from_scratch"),
                          k.layers.Dense(len(NEW_DIGITS), activation="softmax", name="head")],
                         name="from_scratch")
    return _compile(model, LEARNING_RATE)


def train(model, data, epochs: int, seed: int, progress: Progress, start: float, span: float, label: str):
    x_train, y_train, x_val, y_val = data
    seed_everything(seed)
    return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                     batch_size=BATCH_SIZE, shuffle=True, verbose=0,
                     callbacks=[progress_callback(progress, epochs, start, span, label)]).history


# --- the skill ----------------------------------------------------------------------------------

def run(params: Params, out_dir: Path, progress: Progress = no_progress) -> SkillResult:
    from skills import vision_plots

    # The pretrained module (built on first use)
    def module_progress(fraction: float, note: str) -> None:
        progress(0.25 * fraction, note)

    handle, built = resolve_handle(params.handle, module_progress, params.hub_module_dir)

    # Prepare the data
    seed_everything(params.seed)
    data = few_shot_split(params.shots, params.seed)
    x_train, y_train, x_val, y_val = data

    # Build and train both models on the same few examples
    started = time.perf_counter()
    transfer = build_transfer_model(handle, params.fine_tune, params.hub_image_size)
    transfer_history = train(transfer, data, params.epochs, params.seed, progress, 0.25, 0.35,
                             "transfer learning")
    scratch = build_scratch_model()
    scratch_history = train(scratch, data, params.epochs, params.seed, progress, 0.6, 0.35,
                            "from scratch")
    train_seconds = time.perf_counter() - started

    # Evaluate
    transfer_loss, transfer_accuracy = transfer.evaluate(x_val, y_val, verbose=0)
    scratch_loss, scratch_accuracy = scratch.evaluate(x_val, y_val, verbose=0)
    metrics = {
        "transfer_val_accuracy": float(transfer_accuracy),
        "scratch_val_accuracy": float(scratch_accuracy),
        "gain": float(transfer_accuracy - scratch_accuracy),
        "transfer_val_loss": float(transfer_loss),
        "scratch_val_loss": float(scratch_loss),
        "shots": params.shots,
        "train_examples": len(y_train),
        "val_examples": len(y_val),
        "epochs": params.epochs,
        "transfer_trainable_params": int(sum(np.prod(w.shape) for w in transfer.trainable_weights)),
        "scratch_trainable_params": int(sum(np.prod(w.shape) for w in scratch.trainable_weights)),
        "module_built": int(built),
        "train_seconds": train_seconds,
    }
    if not all(np.isfinite(list(metrics.values()))):
        raise SkillError("Training diverged (the loss is not a number). Try again with another seed.")

    # Plot and save
    progress(0.96, "drawing the comparison and saving the model")
    out_dir.mkdir(parents=True, exist_ok=True)
    plot = vision_plots.comparison_plot(
        {"transfer": transfer_history, "from scratch": scratch_history}, out_dir / "comparison.png",
        f"Digits 5-9 from {params.shots} examples each: transfer vs from scratch")
    transfer.save(out_dir / "model.keras")
    np.savez_compressed(out_dir / "validation.npz", x=x_val, y=y_val)
    progress(1.0, "done")

    gain, head_weights = metrics["gain"], metrics["transfer_trainable_params"]
    if gain > 0.02:
        verdict = (f"transfer learning added {gain:.3f}, because only a {head_weights:,}-weight head "
                   "had to learn from these few images")
    else:
        verdict = (f"transfer learning did not help here ({gain:+.3f}): these 8x8 digits are simple "
                   f"enough for a small CNN to learn from scratch in {params.epochs} epochs; "
                   "transfer's edge shows with a short training (try: transfer learning with 10 "
                   "shots for 10 epochs)")
    summary = (
        f"With {params.shots} examples of each digit 5-9 and {params.epochs} epochs, a head on "
        f"features pretrained on digits 0-4 reached {metrics['transfer_val_accuracy']:.3f} "
        f"validation accuracy, against {metrics['scratch_val_accuracy']:.3f} for the same network "
        f"trained from scratch: {verdict}.")
    return SkillResult(
        skill=NAME,
        metrics=metrics,
        artifacts=[
            ArtifactFile("plot", plot),
            ArtifactFile("model", out_dir / "model.keras"),
            ArtifactFile("validation-data", out_dir / "validation.npz"),
        ],
        summary=summary,
        extras={
            "handle": params.handle if params.handle != "local" else "local (digits 0-4 features)",
            "class_names": [str(d) for d in NEW_DIGITS],
            "input": "8x8 grayscale digits, float32 in [0, 1]; output index i means digit 5+i",
            "histories": {
                "transfer": {key: [float(v) for v in values] for key, values in transfer_history.items()},
                "scratch": {key: [float(v) for v in values] for key, values in scratch_history.items()},
            },
        },
    )


def main(argv: list[str]) -> int:
    """python -m skills.transfer build <dir>: make the local hub module (Makefile caches it)."""
    if len(argv) != 2 or argv[0] != "build":
        print("usage: python -m skills.transfer build <dir>", file=sys.stderr)
        return 2
    path = build_feature_module(Path(argv[1]), progress=lambda f, note: print(note, flush=True))
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


def _exportable(model):
    """TF.js has no KerasLayer: the same network from plain layers (same weights). A URL-module
    model keeps its hub layer, and its TF.js variant reports the failure."""
    try:
        return plain_model(model)
    except ValueError:
        return model


SPEC = SkillSpec(
    name=NAME, title="transfer learning", params=Params, run=run,
    metrics=("transfer_val_accuracy", "scratch_val_accuracy", "gain", "transfer_val_loss",
             "scratch_val_loss", "train_seconds"),
    key_metric=("transfer_val_accuracy", "validation accuracy with transfer"),
    export=ExportSpec(task="classification", input_kind="image", page_title="Which digit (5-9) is it?",
                      class_names=lambda model, vocabulary: [str(d) for d in NEW_DIGITS],
                      prepare_model=_exportable),
    # made on call: importing tensorflow_hub is too slow for import time
    custom_objects=lambda: {"KerasLayer": _keras_layer_class()},
    settings=("hub_module_dir",),
)
