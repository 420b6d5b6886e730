"""Chapters 2-3: classify images with a dense network or a CNN, and read the curves like a coach.

The bundled dataset is scikit-learn's 8x8 handwritten digits (1797 images, 10 classes), split
80/20 per class with a fixed seed so two runs differ only by what the learner changed.
Fashion-MNIST (the book's chapter 2 dataset) runs too when its IDX files are on disk
(skills.vision_data.fashion_mnist_dir()); it is cut to 6000 training images so a CPU run stays
short.

Augmentation (small random shifts, rotations and zooms with Keras preprocessing layers) is
applied in the tf.data pipeline of the training set only, not inside the model: the saved model
stays a plain stack of Conv/Dense layers that converts to TFLite and TF.js, and validation
images are never distorted.

After training, the skill diagnoses the learner's own curves (overfitting, underfitting or good)
and suggests the exact chat words for the next run.
"""

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import Field, StringConstraints

from skills.base import ArtifactFile, ExportSpec, Progress, SkillError, SkillResult, SkillSpec, no_progress
from skills.training import keras, progress_callback, seed_everything
from skills.upload_data import OnUpload

if TYPE_CHECKING:
    from skills.vision_data import ImageSplit

NAME = "vision"
BATCH_SIZE = 32
LEARNING_RATE = 1e-3
MAX_VALIDATION_ROWS = 500
GRID_IMAGES = 24
# Below this clean training accuracy a model has not learned the task yet (fashion is harder).
FIT_LEVEL = {"digits": 0.90, "fashion_mnist": 0.85, "upload": 0.85}
# A learner's images train as UPLOAD_SIDE x UPLOAD_SIDE RGB: colour kept, and a quarter of the
# pixels of the largest upload (64x64), so up to 2,000 images train in seconds per epoch.
UPLOAD_SIDE = 32
OVERFIT_GAP = 0.04  # train minus validation accuracy
# Validation loss counts as rising when it ends this far above its best epoch (relative and
# absolute, so noise on a tiny loss does not count) and that best epoch is at least
# RISE_EPOCHS before the end.
VAL_LOSS_RISE, VAL_LOSS_RISE_MIN, RISE_EPOCHS = 0.25, 0.05, 3

MetricName = Annotated[str, StringConstraints(max_length=40)]
MetricValue = Annotated[float, Field(allow_inf_nan=False)]


class Params(OnUpload):  # upload_dir: the learner's images instead of `dataset`
    dataset: Literal["digits", "fashion_mnist"] = "digits"
    model: Literal["dense", "cnn"] = "cnn"
    epochs: int = Field(default=15, ge=1, le=50)
    augmentation: bool = False
    dropout: float = Field(default=0.0, ge=0.0, le=0.5)
    # Share of the training split to train on: small shares show overfitting quickly.
    train_fraction: float = Field(default=1.0, ge=0.05, le=1.0)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    # The metrics of the learner's previous vision run (filled by the chat layer), to compare.
    previous: dict[MetricName, MetricValue] | None = Field(default=None, max_length=64)
    # Settings.fashion_mnist_dir, filled in by the worker (SPEC.settings); never stored with the job.
    fashion_mnist_dir: Path | None = Field(default=None, exclude=True)


# --- data ---------------------------------------------------------------------------------------

def load_split(params: Params) -> "ImageSplit":
    """The fixed train/validation split of the chosen dataset, cut to train_fraction."""
    from skills import upload_data, vision_data

    if params.upload_dir:
        split = upload_data.image_split(params.upload("images"), UPLOAD_SIDE, grayscale=False)
    elif params.dataset == "digits":
        split = vision_data.digits_split()
    else:
        folder = vision_data.fashion_mnist_dir(params.fashion_mnist_dir)
        missing = vision_data.missing_fashion_mnist_files(folder)
        if missing:
            raise SkillError(
                f"Fashion-MNIST needs its four files in {folder} (missing: {', '.join(missing)}). "
                f"Download them from {vision_data.FASHION_MNIST_URL} (or run "
                "tf_keras.datasets.fashion_mnist.load_data() once while online), or train on "
                "the bundled digits instead."
            )
        split = vision_data.fashion_mnist_split(folder)
    if params.train_fraction < 1.0:
        keep, _ = vision_data.stratified_split(split.y_train, 1.0 - params.train_fraction)
        split.x_train, split.y_train = split.x_train[keep], split.y_train[keep]
    return split


def augmenter(seed: int) -> Any:
    """Small random shifts (~1 pixel on 8x8), rotations (up to ~15 degrees) and zooms."""
    layers = keras().layers
    return keras().Sequential([
        layers.RandomTranslation(0.125, 0.125, fill_mode="constant", seed=seed),
        layers.RandomRotation(0.04, fill_mode="constant", seed=seed + 1),
        layers.RandomZoom(0.1, fill_mode="constant", seed=seed + 2),
    ], name="augmentation")


def training_dataset(x: np.ndarray, y: np.ndarray, augmentation: bool, seed: int) -> Any:  # a tf.data.Dataset
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).batch(BATCH_SIZE)
    if augmentation:
        augment = augmenter(seed)
        ds = ds.map(lambda images, labels: (augment(images, training=True), labels))
    return ds.prefetch(tf.data.AUTOTUNE)


# --- model --------------------------------------------------------------------------------------

def build_model(kind: str, image_shape: tuple[int, ...], n_classes: int, dropout: float) -> Any:
    """The book's two classifiers: Flatten-Dense(128)-softmax (ch. 2), and two Conv+MaxPool
    blocks before the dense layers (ch. 3). 'same' padding keeps 8x8 digits and 28x28 images
    on one architecture."""
    k = keras()
    layers = k.layers
    if kind == "dense":
        body = [layers.Flatten(), layers.Dense(128, activation="relu")]
    else:
        body = [
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
        ]
    model = k.Sequential([layers.Input(image_shape), *body, layers.Dropout(dropout),
                          layers.Dense(n_classes, activation="softmax")], name=f"{kind}_classifier")
    model.compile(optimizer=k.optimizers.Adam(LEARNING_RATE),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


# --- reading the curves -------------------------------------------------------------------------

def diagnose(history: dict, train_accuracy: float, val_accuracy: float, params: Params) -> tuple[str, str]:
    """('overfitting' | 'underfitting' | 'good', a coaching sentence with words to try next).

    Overfitting: the clean train-minus-validation accuracy gap is large, or validation loss has
    climbed well above its best epoch while training loss kept falling. Underfitting: even the
    training accuracy is low.
    """
    gap = train_accuracy - val_accuracy
    val_loss, loss = history["val_loss"], history["loss"]
    best = int(np.argmin(val_loss))
    rise = val_loss[-1] - val_loss[best]
    loss_rising = (best <= len(val_loss) - 1 - RISE_EPOCHS and loss[-1] < loss[best]
                   and rise > max(VAL_LOSS_RISE * val_loss[best], VAL_LOSS_RISE_MIN))
    other = f" on {params.dataset.replace('_', '-')}" if params.dataset != "digits" else ""
    if params.upload_dir:
        other = " on my upload"
    if train_accuracy < FIT_LEVEL["upload" if params.upload_dir else params.dataset]:
        if params.model == "dense":
            tip = f"train a cnn for {max(params.epochs, 15)} epochs{other}"
        else:
            tip = f"train a cnn for {min(50, max(2 * params.epochs, params.epochs + 10))} epochs{other}"
        return "underfitting", (
            f"Underfitting: even the training accuracy is only {train_accuracy:.2f}, so the model "
            f"has not learned the task yet. Try: {tip}.")
    if gap > OVERFIT_GAP or loss_rising:
        why = (f"training accuracy {train_accuracy:.3f} is {gap:.3f} above validation"
               if gap > OVERFIT_GAP else
               f"validation loss rose from {val_loss[best]:.3f} (epoch {best + 1}) to "
               f"{val_loss[-1]:.3f} while training loss kept falling")
        if params.dropout < 0.3:
            tip = f"train a {params.model} with dropout 0.3{other}"
        elif not params.augmentation:
            tip = f"train a {params.model} with dropout {params.dropout:g} and augmentation{other}"
        elif params.model == "dense":
            tip = f"train a cnn with dropout {params.dropout:g} and augmentation{other}"
        else:
            tip = f"train a cnn with dropout {params.dropout:g} and augmentation for fewer epochs{other}"
        if params.train_fraction < 1.0:
            tip += " on all the training data"
        return "overfitting", (
            f"Overfitting: {why}, so it memorises training images instead of generalising. "
            f"Try: {tip}.")
    return "good", (
        f"Good fit: training ({train_accuracy:.3f}) and validation ({val_accuracy:.3f}) accuracy "
        f"agree within {abs(gap):.3f}, so there is no sign of over- or underfitting.")


def compare_with_previous(metrics: dict[str, float], previous: dict[str, float] | None) -> str:
    """'Validation accuracy 0.962 vs 0.948 last time; the gap shrank from 0.050 to 0.010.'"""
    if not previous or "val_accuracy" not in previous:
        return ""
    sentence = f"Validation accuracy {metrics['val_accuracy']:.3f} vs {previous['val_accuracy']:.3f} last time"
    if "overfit_gap" in previous:
        before, now = previous["overfit_gap"], metrics["overfit_gap"]
        verb = "shrank" if now < before - 0.005 else "grew" if now > before + 0.005 else "stayed"
        sentence += (f"; the train/validation gap {verb} from {before:.3f} to {now:.3f}"
                     if verb != "stayed" else f"; the train/validation gap stayed at {now:.3f}")
    return sentence + "."


def top_confusions(counts: np.ndarray, class_names: Sequence[str], n: int = 3) -> list[dict]:
    off = counts.copy()
    np.fill_diagonal(off, 0)
    order = np.argsort(off, axis=None)[::-1][:n]
    return [{"true": class_names[i], "predicted": class_names[j], "count": int(off[i, j])}
            for i, j in zip(*np.unravel_index(order, off.shape)) if off[i, j] > 0]


def grid_indices(y_true: np.ndarray, y_pred: np.ndarray, n: int = GRID_IMAGES) -> np.ndarray:
    """Up to half the grid shows mistakes (the interesting part), the rest correct answers."""
    wrong, right = np.flatnonzero(y_true != y_pred), np.flatnonzero(y_true == y_pred)
    chosen = wrong[: n // 2]
    return np.concatenate([chosen, right[: n - len(chosen)]])


# --- the skill ----------------------------------------------------------------------------------

def run(params: Params, out_dir: Path, progress: Progress = no_progress) -> SkillResult:
    from skills import plots, run_review, upload_coaching, vision_plots

    seed_everything(params.seed)
    data_name = "your images" if params.upload_dir else params.dataset.replace("_", "-")

    # Prepare the data
    progress(0.0, f"loading {data_name}")
    split = load_split(params)
    n_classes = len(split.class_names)
    train_ds = training_dataset(split.x_train, split.y_train, params.augmentation, params.seed)

    # Build the model
    model = build_model(params.model, split.image_shape, n_classes, params.dropout)

    # Train
    started = time.perf_counter()
    history = model.fit(
        train_ds, validation_data=(split.x_val, split.y_val), epochs=params.epochs, verbose=0,
        callbacks=[progress_callback(progress, params.epochs, 0.0, 0.9, label=f"training the {params.model}")],
    ).history
    train_seconds = time.perf_counter() - started

    # Evaluate: train accuracy measured cleanly (no dropout, no augmentation), so the gap is fair
    progress(0.92, "evaluating")
    _, train_accuracy = model.evaluate(split.x_train, split.y_train, batch_size=256, verbose=0)
    val_loss, val_accuracy = model.evaluate(split.x_val, split.y_val, batch_size=256, verbose=0)
    y_pred = model.predict(split.x_val, batch_size=256, verbose=0).argmax(axis=1)
    counts = vision_plots.confusion_matrix(split.y_val, y_pred, n_classes)
    per_class = np.diag(counts) / np.maximum(counts.sum(axis=1), 1)
    metrics = {
        "val_accuracy": float(val_accuracy),
        "train_accuracy": float(train_accuracy),
        "val_loss": float(val_loss),
        "overfit_gap": float(train_accuracy - val_accuracy),
        "val_loss_rise": float(history["val_loss"][-1] - min(history["val_loss"])),
        **{f"accuracy_class_{i}": float(a) for i, a in enumerate(per_class)},
        "epochs": params.epochs,
        "params": int(model.count_params()),
        "train_examples": len(split.y_train),
        "val_examples": len(split.y_val),
        "train_seconds": train_seconds,
    }
    if not all(np.isfinite(list(metrics.values()))):
        raise SkillError("Training diverged (the loss is not a number). Try again with another seed.")
    diagnosis, coaching = diagnose(history, metrics["train_accuracy"], metrics["val_accuracy"], params)

    # Plot and save
    progress(0.95, "drawing plots and saving the model")
    out_dir.mkdir(parents=True, exist_ok=True)
    label = f"{params.model} on {data_name}"
    curves = plots.training_curves(history, out_dir / "curves.png", f"Training vs validation: {label}")
    matrix = vision_plots.confusion_matrix_plot(counts, split.class_names, out_dir / "confusion.png",
                                                f"Confusion matrix ({label})")
    shown = grid_indices(split.y_val, y_pred)
    grid = vision_plots.prediction_grid(split.x_val[shown], split.y_val[shown], y_pred[shown],
                                        split.class_names, out_dir / "predictions.png",
                                        "Validation images (red: mistakes)")
    model.save(out_dir / "model.keras")
    np.savez_compressed(out_dir / "validation.npz", x=split.x_val[:MAX_VALIDATION_ROWS],
                        y=split.y_val[:MAX_VALIDATION_ROWS])
    progress(1.0, "done")

    confusions = top_confusions(counts, split.class_names)
    headline = (f"The {label} reached {metrics['val_accuracy']:.3f} validation accuracy "
                f"(training {metrics['train_accuracy']:.3f}) after {params.epochs} epochs")
    if confusions:
        worst = confusions[0]
        headline += f"; it most often mistook {worst['true']} for {worst['predicted']}"
    # A clear drop against the learner's previous run is the news, never "good fit" (run_review).
    fell = run_review.dropped(metrics, params.previous, params.model_dump())
    if fell:
        diagnosis, coaching = "dropped", fell
    compared = "" if fell else compare_with_previous(metrics, params.previous)
    data_note = upload_coaching.images(  # about the learner's own classes, counted as uploaded
        params.upload("images")[1]["classes"], dict(zip(split.class_names, per_class.tolist()))
    ) if params.upload_dir else None
    summary = " ".join(filter(None, [headline + ".", compared, coaching, data_note]))
    return SkillResult(
        skill=NAME,
        metrics=metrics,
        artifacts=[
            ArtifactFile("plot", curves),
            ArtifactFile("plot", matrix),
            ArtifactFile("plot", grid),
            ArtifactFile("model", out_dir / "model.keras"),
            ArtifactFile("validation-data", out_dir / "validation.npz"),
        ],
        summary=summary,
        extras={
            "diagnosis": diagnosis,
            "coaching": coaching,
            "confusions": confusions,
            "class_names": list(split.class_names),
            "input": (f"{'x'.join(map(str, split.image_shape))} "
                      f"{'RGB' if split.image_shape[-1] == 3 else 'grayscale'} images, float32 in [0, 1]"),
            **({"data_coaching": data_note} if data_note else {}),
        },
    )


def _class_names(model: Any, vocabulary: list[str] | None) -> list[str] | None:
    from skills import vision_data

    if model.input_shape[-1] == 3:  # trained on an upload: its class names are not in the model
        return None
    fashion = tuple(model.input_shape[1:3]) == (28, 28)
    return list(vision_data.FASHION_MNIST_CLASSES if fashion else vision_data.DIGIT_CLASSES)


SPEC = SkillSpec(
    name=NAME, title="image classifier (digits)", params=Params, run=run,
    metrics=("val_accuracy", "train_accuracy", "val_loss", "overfit_gap", "val_loss_rise",
             "train_seconds"),
    key_metric=("val_accuracy", "validation accuracy"),
    export=ExportSpec(task="classification", input_kind="image", page_title="Which digit is it?",
                      class_names=_class_names),
    settings=("fashion_mnist_dir",),
)
