"""Chapter 1's hello neuron: one Dense unit learns a straight line (by default y = 2x - 1).

Speed: a plain `model.fit(epochs=500)` on six points spends ~12 s in Keras per-epoch overhead
(docs/decisions.md, D7). The same 500 full-batch SGD steps run here inside one `tf.function`
loop, in chunks so progress can be reported between them; the loss per step is kept, which is
the per-epoch loss because every step sees the whole dataset. bench/hello_neuron_speed.py
measures both.
"""

import math
import time
from pathlib import Path
from typing import Any, Self

import numpy as np
from pydantic import BaseModel, Field, model_validator

from skills.base import ArtifactFile, ExportSpec, Progress, SkillError, SkillResult, SkillSpec, no_progress
from skills.training import keras

NAME = "hello_neuron"
MAX_POINTS = 100
MAX_ABS_VALUE = 1000.0
DEFAULT_XS = (-1.0, 0.0, 1.0, 2.0, 3.0, 4.0)


class LinearRule(BaseModel):
    """y = weight * x + bias."""

    weight: float = Field(ge=-MAX_ABS_VALUE, le=MAX_ABS_VALUE)
    bias: float = Field(ge=-MAX_ABS_VALUE, le=MAX_ABS_VALUE)


class Params(BaseModel):
    epochs: int = Field(default=500, ge=1, le=5000)
    learning_rate: float = Field(default=0.01, gt=0, le=1)
    rule: LinearRule = LinearRule(weight=2.0, bias=-1.0)
    # Explicit (x, y) points; when given they replace the rule.
    points: list[tuple[float, float]] | None = Field(default=None, min_length=2, max_length=MAX_POINTS)

    @model_validator(mode="after")
    def _points_in_range(self) -> Self:
        for x, y in self.points or ():
            if not all(math.isfinite(v) and abs(v) <= MAX_ABS_VALUE for v in (x, y)):
                raise ValueError(f"every point must lie within ±{MAX_ABS_VALUE:g}")
        if self.points and len({x for x, _ in self.points}) < 2:
            raise ValueError("the points need at least two different x values")
        return self

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        if self.points:
            xs, ys = zip(*self.points)
        else:
            xs = DEFAULT_XS
            ys = tuple(self.rule.weight * x + self.rule.bias for x in xs)
        return np.array(xs, np.float32).reshape(-1, 1), np.array(ys, np.float32).reshape(-1, 1)


def build_model() -> Any:
    k = keras()
    model = k.Sequential([k.layers.Dense(units=1, input_shape=[1])])
    return model


def train(model: Any, xs: np.ndarray, ys: np.ndarray, epochs: int, learning_rate: float,
          progress: Progress = no_progress, chunk: int = 100) -> list[float]:
    """Full-batch SGD on mean squared error; returns the loss before each epoch's update."""
    import tensorflow as tf

    k = keras()
    optimizer = k.optimizers.SGD(learning_rate=learning_rate)
    loss_fn = k.losses.MeanSquaredError()
    xs_t, ys_t = tf.constant(xs), tf.constant(ys)

    @tf.function  # type: ignore[untyped-decorator]  # TensorFlow is untyped
    def run_steps(steps: Any) -> Any:  # a scalar int32 tensor -> a float32 tensor
        losses = tf.TensorArray(tf.float32, size=steps)
        for i in tf.range(steps):
            with tf.GradientTape() as tape:
                loss = loss_fn(ys_t, model(xs_t, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            losses = losses.write(i, loss)
        return losses.stack()

    losses: list[float] = []
    while len(losses) < epochs:
        steps = min(chunk, epochs - len(losses))
        losses.extend(run_steps(tf.constant(steps)).numpy().tolist())
        if not math.isfinite(losses[-1]):
            raise SkillError(
                f"The loss blew up to infinity by epoch {len(losses)}: learning rate "
                f"{learning_rate:g} is too big for this data. Try a smaller one, such as 0.01."
            )
        progress(len(losses) / epochs, f"epoch {len(losses)}/{epochs}, loss {losses[-1]:.4g}")
    return losses


def run(params: Params, out_dir: Path, progress: Progress = no_progress) -> SkillResult:
    from skills import converters, plots

    # Prepare the data
    xs, ys = params.data()

    # Build the model
    model = build_model()

    # Train
    started = time.perf_counter()
    losses = train(model, xs, ys, params.epochs, params.learning_rate, progress)
    train_seconds = time.perf_counter() - started
    weight, bias = (float(v.numpy().reshape(-1)[0]) for v in model.weights)
    prediction = float(model(np.array([[10.0]], np.float32)).numpy()[0, 0])

    # Plot
    out_dir.mkdir(parents=True, exist_ok=True)
    plot = plots.loss_curve(losses, out_dir / "loss.png", "Hello neuron: loss per epoch")
    # The Keras model and its data, for later exports (every skill leaves these two files).
    model.save(out_dir / "model.keras")
    np.savez(out_dir / "validation.npz", x=xs, y=ys)

    # Export, and check the TFLite file predicts what Keras predicts
    tflite = converters.to_tflite(model, out_dir / "hello_neuron.tflite")
    tflite_prediction = float(converters.run_tflite(tflite, np.array([[10.0]]))[0, 0])
    if abs(tflite_prediction - prediction) > 1e-3 * max(1.0, abs(prediction)):
        raise SkillError("The TFLite export does not predict what the trained model does.")
    model_json, shards = converters.to_tfjs(model, out_dir / "tfjs")

    return SkillResult(
        skill=NAME,
        metrics={
            "weight": weight,
            "bias": bias,
            "prediction_x10": prediction,
            "final_loss": losses[-1],
            "train_seconds": train_seconds,
            "epochs": params.epochs,
            "learning_rate": params.learning_rate,
        },
        artifacts=[
            ArtifactFile("plot", plot),
            ArtifactFile("model", out_dir / "model.keras"),
            ArtifactFile("validation-data", out_dir / "validation.npz"),
            ArtifactFile("tflite", tflite),
            ArtifactFile("tfjs", model_json, extra_files=shards),
        ],
        summary=(
            f"After {params.epochs} epochs the neuron learned y = {weight:.3f}x "
            f"{'+' if bias >= 0 else '-'} {abs(bias):.3f}, so for x = 10 it predicts "
            f"{prediction:.3f}."
        ),
    )


SPEC = SkillSpec(
    name=NAME, title="hello neuron (y = 2x - 1)", params=Params, run=run,
    metrics=("final_loss", "weight", "bias", "prediction_x10", "train_seconds"),
    key_metric=("final_loss", "final loss"),
    export=ExportSpec(task="regression", input_kind="number", page_title="Hello neuron: y for any x",
                      output_label="y"),
)
