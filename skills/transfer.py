"""Chapter 3's transfer learning: reuse a pretrained feature extractor from TensorFlow Hub.

New task: tell the digits 5-9 apart from only `shots` examples of each. The model is
`hub.KerasLayer(handle, trainable=False)` plus a small Dense head; the same network trained from
scratch on the same few examples shows how much the pretrained features help.

Offline, the hub handle is a SavedModel the project makes itself (skills/hub_module.py): a
small CNN pretrained on the digits 0-4 only, so the features have never seen the new classes.
It lives in Settings.hub_module_dir (default models/hub/digits-features, which `make` builds with
`python -m skills.transfer build <dir>`); run() builds it there first when it is missing.
Online users may pass a tfhub.dev or kaggle.com URL instead; their 8x8 digits are then resized
and copied to three channels to suit an ImageNet feature vector.

Saving: a .keras file stores a KerasLayer as its handle plus its weights; SPEC.custom_objects()
maps "KerasLayer" to hub_module's subclass that re-points a saved local handle that is gone.
"""

import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from pydantic import Field, field_validator

from skills.base import ArtifactFile, ExportSpec, Progress, SkillError, SkillResult, SkillSpec, no_progress
from skills.hub_module import build_feature_module, feature_extractor, keras_layer_class, plain_model, resolve_handle
from skills.training import keras, progress_callback, seed_everything
from skills.upload_data import OnUpload

NAME = "transfer"
ALLOWED_HOSTS = ("tfhub.dev", "www.kaggle.com", "kaggle.com")
NEW_DIGITS = (5, 6, 7, 8, 9)
VAL_PER_CLASS = 50  # fixed validation images per new digit, never used as shots
BATCH_SIZE = 16
# Adam's usual step for training a CNN (the from-scratch model, and pretraining). A frozen
# extractor leaves only a linear head of FEATURES x 5 weights to learn: it takes bigger steps.
LEARNING_RATE = 1e-3
HEAD_LEARNING_RATE = 1e-2
FINE_TUNE_LEARNING_RATE = 1e-3  # once the pretrained weights train too, back to the usual step
SPLIT_SEED = 1234
UPLOAD_MODEL = "transfer_upload"  # the saved model's name when it learned a learner's classes

FewShot = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # x_train, y_train, x_val, y_val


class Params(OnUpload):  # upload_dir: the learner's images (all of them) instead of the digits 5-9
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


# --- data and models ----------------------------------------------------------------------------

def few_shot_split(shots: int, seed: int) -> FewShot:
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
    train_rows, val_rows = np.concatenate(train), np.sort(np.concatenate(val))
    return (images[train_rows], labels[train_rows] - NEW_DIGITS[0],
            images[val_rows], labels[val_rows] - NEW_DIGITS[0])


def upload_split(params: Params) -> tuple[FewShot, list[str]]:
    """The learner's images at the hub module's input (8x8 grayscale), split 80/20 per class,
    and their class names. All of them train: an upload is already few examples."""
    from skills import upload_data

    split = upload_data.image_split(params.upload("images"), 8, grayscale=True)
    return (split.x_train, split.y_train, split.x_val, split.y_val), list(split.class_names)


def upload_summary(params: Params, class_names: list[str], metrics: dict[str, float], verdict: str) -> str:
    """The result in the learner's class names, then what their own data says."""
    from skills import upload_coaching

    note = upload_coaching.images(params.upload("images")[1]["classes"])
    return (f"On your {len(class_names)} classes ({', '.join(class_names)}; "
            f"{metrics['train_examples']} images to train on, {params.epochs} epochs), a head on "
            f"features pretrained on digits 0-4 reached {metrics['transfer_val_accuracy']:.3f} "
            f"validation accuracy, against {metrics['scratch_val_accuracy']:.3f} for the same "
            f"network trained from scratch: {verdict}." + (f" {note}" if note else ""))


def _compile(model: Any, learning_rate: float) -> Any:
    k = keras()
    model.compile(optimizer=k.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def build_transfer_model(handle: str, fine_tune: bool = False, hub_image_size: int = 224,
                         n_classes: int = len(NEW_DIGITS), name: str = "transfer") -> Any:
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
    outputs = layers.Dense(n_classes, activation="softmax", name="head")(x)
    model = k.Model(inputs, outputs, name=name)
    return _compile(model, FINE_TUNE_LEARNING_RATE if fine_tune else HEAD_LEARNING_RATE)


def build_scratch_model(n_classes: int = len(NEW_DIGITS)) -> Any:
    """The module's architecture with random weights, plus the same head."""
    k = keras()
    model = k.Sequential([feature_extractor("features_from_scratch"),
                          k.layers.Dense(n_classes, activation="softmax", name="head")],
                         name="from_scratch")
    return _compile(model, LEARNING_RATE)


def train(model: Any, data: FewShot, epochs: int, seed: int, progress: Progress, start: float, span: float,
          label: str) -> dict[str, list[float]]:
    x_train, y_train, x_val, y_val = data
    seed_everything(seed)
    return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                     batch_size=BATCH_SIZE, shuffle=True, verbose=0,
                     callbacks=[progress_callback(progress, epochs, start, span, label)]).history


# --- the skill ----------------------------------------------------------------------------------

def run(params: Params, out_dir: Path, progress: Progress = no_progress) -> SkillResult:
    from skills import vision_plots

    # The learner's images at the module's input size, checked before the module is built
    upload = upload_split(params) if params.upload_dir else None

    # The pretrained module (built on first use)
    def module_progress(fraction: float, note: str) -> None:
        progress(0.25 * fraction, note)

    handle, built = resolve_handle(params.handle, module_progress, params.hub_module_dir)

    # Prepare the data: the digits 5-9, or the learner's images
    seed_everything(params.seed)
    data = upload[0] if upload else few_shot_split(params.shots, params.seed)
    class_names = upload[1] if upload else [str(d) for d in NEW_DIGITS]
    x_train, y_train, x_val, y_val = data

    # Build and train both models on the same few examples
    started = time.perf_counter()
    transfer = build_transfer_model(handle, params.fine_tune, params.hub_image_size, len(class_names),
                                    UPLOAD_MODEL if upload else "transfer")
    transfer_history = train(transfer, data, params.epochs, params.seed, progress, 0.25, 0.35,
                             "transfer learning")
    scratch = build_scratch_model(len(class_names))
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
        "shots": int(np.bincount(y_train).min()) if upload else params.shots,
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
        f"Your images ({len(y_train)} to train on): transfer vs from scratch" if upload else
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
                   "shots for 10 epochs)") if not upload else (
                   f"transfer learning did not help here ({gain:+.3f}): features learned on 8x8 "
                   "digits say little about your images, and a small CNN learned them as well")
    if upload:
        summary = upload_summary(params, class_names, metrics, verdict)
    else:
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
            "class_names": class_names,
            "input": ("8x8 grayscale images, float32 in [0, 1]; output index i means class_names[i]"
                      if upload else "8x8 grayscale digits, float32 in [0, 1]; output index i means digit 5+i"),
            "histories": {
                "transfer": {key: [float(v) for v in values] for key, values in transfer_history.items()},
                "scratch": {key: [float(v) for v in values] for key, values in scratch_history.items()},
            },
        },
    )


def _exportable(model: Any) -> Any:
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
                      # an upload's class names are not in the model: the export numbers them
                      class_names=lambda model, vocabulary: (None if model.name == UPLOAD_MODEL
                                                             else [str(d) for d in NEW_DIGITS]),
                      prepare_model=_exportable),
    # made on call: importing tensorflow_hub is too slow for import time
    custom_objects=lambda: {"KerasLayer": keras_layer_class()},
    settings=("hub_module_dir",),
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
