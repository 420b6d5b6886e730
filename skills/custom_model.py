""""Run my model": train the learner's own pasted layer list on bundled data, beside the book's model.

The layers arrive as a spec (usercode.build): whitelisted Keras class names with literal
arguments, read from the code with `ast`. The learner's code itself is never executed; this
module only calls `getattr(layers, kind)(**config)` for kinds and keywords the whitelist allows,
and re-checks the spec before building anything (a job's params may come from anywhere).

The data is the bundled set that fits the model's input: the digits resized to the input's
height and width (images), the review sentences as padded word ids (a model starting with an
Embedding), or the synthetic series cut into windows (a window of numbers). The book's model
for that data (the vision, sentiment and timeseries skills' own builders) trains on the same
split, so the learner sees their model next to a known good one (skills/custom_model_data.py).
"""

import time
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field, model_validator

from skills.base import ArtifactFile, Progress, SkillError, SkillResult, SkillSpec, no_progress
from skills.custom_model_data import BATCH_SIZE, SERIES_SPLIT, prepare
from skills.training import keras, progress_callback, seed_everything
from skills.upload_data import OnUpload
from usercode import build as usercode_build
from usercode import whitelist

NAME = "custom_model"
BOOK_SERIES_LR = 0.003  # the timeseries skill's default learning rate
MAX_VALIDATION_ROWS = 500
OPTIMIZERS = {"adam": "Adam", "sgd": "SGD", "rmsprop": "RMSprop", "adagrad": "Adagrad", "adamax": "Adamax",
              "nadam": "Nadam"}
Loss = Literal["sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy",
               "mse", "mae", "huber"]


class LayerEntry(BaseModel):
    kind: str = Field(max_length=40)
    config: dict[str, Any] = Field(default_factory=dict, max_length=12)
    line: int = Field(default=0, ge=0, le=10_000)  # where it was in the learner's code


def _default_layers() -> list[LayerEntry]:
    """The book's chapter 2 classifier, so the Params have a default like every skill's."""
    return [LayerEntry(kind="Flatten"), LayerEntry(kind="Dense", config={"units": 128, "activation": "relu"}),
            LayerEntry(kind="Dense", config={"units": 10, "activation": "softmax"})]


class Params(OnUpload):
    """The layer spec usercode.build made; with `upload_dir`, images come from the learner's
    upload (the worker fills `uploads_root` with the job's learner's own folder, D35)."""

    data: Literal["digits", "reviews", "series"] = "digits"
    input_shape: list[int] = Field(default_factory=lambda: [28, 28], min_length=1, max_length=3)
    layers: list[LayerEntry] = Field(default_factory=_default_layers, min_length=1,
                                     max_length=usercode_build.MAX_LAYERS)
    loss: Loss = "sparse_categorical_crossentropy"
    optimizer: Literal["adam", "sgd", "rmsprop", "adagrad", "adamax", "nadam"] = "adam"
    learning_rate: float = Field(default=0.001, gt=0, le=1)
    epochs: int = Field(default=usercode_build.DEFAULT_EPOCHS, ge=1, le=usercode_build.MAX_EPOCHS)
    classes: int = Field(default=10, ge=2, le=10)  # an image model's classes: 10 digits, or the upload's
    seed: int = Field(default=0, ge=0, le=2**31 - 1)

    @model_validator(mode="after")
    def _buildable(self) -> "Params":
        """Whitelist, literal arguments, shapes and the 2M-parameter bound, whoever made the params."""
        try:
            usercode_build.check_spec(self.model_dump(mode="json"))
        except usercode_build.BuildRefused as exc:
            raise ValueError(str(exc)) from None
        return self


# --- the model ------------------------------------------------------------------------------

def make_layer(kind: str, config: dict[str, Any]) -> Any:
    """One whitelisted Keras layer (check_spec has vetted kind and keywords)."""
    if kind not in whitelist.LAYERS:
        raise SkillError(f"I can only build these layers: {whitelist.layer_names()}.")
    layers = keras().layers
    if kind == "Bidirectional":
        inner = config["layer"]
        return layers.Bidirectional(make_layer(inner["kind"], inner["config"]))
    arguments = {key: tuple(value) if isinstance(value, list) else value for key, value in config.items()}
    return getattr(layers, kind)(**arguments)


def build_model(params: Params) -> Any:
    k = keras()
    model = k.Sequential([k.Input(shape=tuple(params.input_shape)),
                          *(make_layer(entry.kind, entry.config) for entry in params.layers)], name="your_model")
    if model.count_params() > usercode_build.MAX_PARAMS:
        raise SkillError(f"Your model has {model.count_params():,} parameters; I train at most "
                         f"{usercode_build.MAX_PARAMS:,}.")
    optimizer = getattr(k.optimizers, OPTIMIZERS[params.optimizer])(learning_rate=params.learning_rate)
    loss = k.losses.Huber() if params.loss == "huber" else params.loss
    model.compile(optimizer=optimizer, loss=loss, metrics=["mae"] if params.data == "series" else ["accuracy"])
    return model


# --- scoring and words ------------------------------------------------------------------------

def score(model: Any, data: str, validation: tuple[np.ndarray, np.ndarray]) -> float:
    """Validation accuracy (classes) or mean absolute error (series)."""
    x, y = validation
    predicted = np.asarray(model.predict(x, batch_size=256, verbose=0))
    if data == "series":
        return float(np.mean(np.abs(predicted.reshape(-1) - y)))
    if predicted.shape[-1] == 1:
        guess = (predicted.reshape(-1) > 0.5).astype(np.int64)
    else:
        guess = predicted.argmax(axis=-1)
    truth = y.argmax(axis=-1) if y.ndim == 2 else y.astype(np.int64)
    return float(np.mean(guess == truth))


def coaching(data: str, yours: float, book: float, naive: float | None, book_name: str = "the book's model") -> str:
    """One sentence: the learner's score against the book's model on the same data."""
    named = book_name[:1].upper() + book_name[1:]
    if data == "series":
        versus = f" and {naive:.2f} for the naive forecast" if naive is not None else ""
        if yours <= book * 1.05:
            return f"Your forecaster's MAE {yours:.2f} is as good as {book_name}'s ({book:.2f}){versus}."
        return (f"{named} forecasts better (MAE {book:.2f} against your {yours:.2f}{versus}): it "
                "standardises each window first and lets its learning rate decay; ask me to review your code.")
    if yours >= book - 0.02:
        return f"Your model keeps up with {book_name} ({yours:.3f} against {book:.3f} validation accuracy)."
    return (f"{named} does better ({book:.3f} against your {yours:.3f} validation accuracy). Ask me "
            "to review your code: I'll point at the lines to change.")


def comparison_plot(curves: dict[str, list[float]], metric: str, path: Path) -> Path:
    from matplotlib.figure import Figure

    from skills import plots  # noqa: F401  (selects the Agg backend)

    fig = Figure(figsize=(6.4, 3.8), dpi=100)
    ax = fig.add_subplot()
    for (label, values), colour in zip(curves.items(), ("#d9480f", "#1c7ed6")):
        ax.plot(range(1, len(values) + 1), values, color=colour, linewidth=2, label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric.replace("_", " "))
    ax.set_title("Your model against the book's, same data")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, format="png")
    return path


# --- the skill --------------------------------------------------------------------------------

def run(params: Params, out_dir: Path, progress: Progress = no_progress) -> SkillResult:
    from skills import plots, timeseries

    seed_everything(params.seed)
    out_dir.mkdir(parents=True, exist_ok=True)

    # Prepare the data that fits the model's input
    progress(0.0, f"preparing the {params.data} for your model")
    prepared = prepare(params)

    # Build the learner's model from the spec
    model = build_model(params)
    spec = params.model_dump(mode="json")
    described = usercode_build.describe(spec, int(model.count_params()))

    # Train it, then the book's model on the same data
    started = time.perf_counter()
    fit_train = prepared.train if params.data == "series" else prepared.train[0]
    labels = None if params.data == "series" else prepared.train[1]
    history = model.fit(fit_train, labels, batch_size=None if params.data == "series" else BATCH_SIZE,
                        epochs=params.epochs, validation_data=prepared.validation, verbose=0,
                        callbacks=[progress_callback(progress, params.epochs, 0.02, 0.6, label="your model")]).history
    train_seconds = time.perf_counter() - started
    book_callback = progress_callback(progress, params.epochs, 0.62, 0.3, label=prepared.book_name)
    if params.data == "series":
        book_history = timeseries.train(prepared.book, prepared.book_train, prepared.book_validation,
                                        params.epochs, BOOK_SERIES_LR, [book_callback]).history
    else:
        x_book, y_book = prepared.book_train
        book_history = prepared.book.fit(x_book, y_book, batch_size=BATCH_SIZE, epochs=params.epochs,
                                         validation_data=prepared.book_validation, verbose=0,
                                         callbacks=[book_callback]).history

    # Score both on the same validation rows
    progress(0.93, "scoring both models")
    yours, book = score(model, params.data, prepared.validation), score(prepared.book, params.data,
                                                                         prepared.book_validation)
    if not np.isfinite(yours):
        raise SkillError("Your model's training diverged (the loss is not a number). Try a smaller learning rate.")
    naive = None
    metrics: dict[str, float] = {"score": yours, "book_score": book, "params": int(model.count_params()),
                                 "epochs": params.epochs, "train_seconds": train_seconds}
    if params.data == "series":
        targets = prepared.validation[1]
        _, _, series = timeseries.synthetic_series(timeseries.Params())
        naive = float(np.mean(np.abs(series[SERIES_SPLIT - 1:-1] - targets)))
        metrics.update(mae=yours, book_mae=book, naive_mae=naive)
        metric = "val_mae"
    else:
        metrics.update(val_accuracy=yours, book_val_accuracy=book,
                       train_accuracy=float(history["accuracy"][-1]))
        metric = "val_accuracy"

    # Plots and files
    progress(0.97, "drawing the curves and saving your model")
    curves = plots.training_curves(history, out_dir / "training_curves.png", "Your model: training vs validation")
    compared = comparison_plot({"your model": list(history.get(metric, [])),
                                prepared.book_name: list(book_history.get(metric, []))}, metric,
                               out_dir / "comparison.png")
    model.save(out_dir / "model.keras")
    x_val, y_val = prepared.validation
    np.savez_compressed(out_dir / "validation.npz", x=x_val[:MAX_VALIDATION_ROWS], y=y_val[:MAX_VALIDATION_ROWS])
    progress(1.0, "done")

    how = (f"MAE {yours:.2f}" if params.data == "series" else f"{yours:.3f} validation accuracy")
    advice = coaching(params.data, yours, book, naive, prepared.book_name)
    summary = (f"Your model ({described}) reached {how} on {prepared.described} after {params.epochs} "
               f"epochs. {advice}")
    return SkillResult(
        skill=NAME, metrics=metrics,
        artifacts=[ArtifactFile("plot", compared), ArtifactFile("plot", curves),
                   ArtifactFile("model", out_dir / "model.keras"),
                   ArtifactFile("validation-data", out_dir / "validation.npz")],
        summary=summary,
        extras={"coaching": advice, "data": params.data, "model": described, "book_model": prepared.book_name},
    )


SPEC = SkillSpec(
    name=NAME, title="your own model", params=Params, run=run,
    metrics=("score", "book_score", "params", "epochs", "train_seconds"),
    key_metric=("score", "score (validation accuracy, or MAE for a series)"),
)
