"""Chapters 9-11: forecast a synthetic series (trend + seasonality + noise) one step ahead.

The book's path, in order: make the series, compare two statistical baselines (naive forecast,
moving average, and the seasonal "differenced moving average + smoothed past"), then window the
series with tf.data and train a dense network, a causal Conv1D network and an LSTM on it, each
scored by MAE on the validation period.

Departures from the book, all for the exports (TFLite/TF.js) or the time budget:
- The book feeds raw values and trains with a tiny SGD learning rate, or multiplies the LSTM's
  output by 100 in a Lambda layer. Here each model starts and ends with a Rescaling layer that
  standardises with the training period's mean and spread, so one Adam learning rate suits
  every model; TF.js cannot load Lambda layers, but it loads Rescaling.
- Every model takes the same input, a window of `window_size` raw values; the sequence models
  reshape it to (window_size, 1) themselves, so validation.npz fits whichever model wins.
- TF.js cannot run Conv1D(padding="causal"), so the Conv1D model pads its window with zeros on
  the past side itself (same numbers as "causal"); the LSTM is unrolled so TFLite converts it.
- Adam with a decaying learning rate instead of hand-tuned SGD, for 30 epochs instead of 100.
"""

import time
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, field_validator

from skills.base import ArtifactFile, ExportSpec, Progress, SkillError, SkillResult, SkillSpec, no_progress
from skills.timeseries_baselines import mae, moving_average_forecast, seasonal_baseline
from skills.training import keras, progress_callback, seed_everything
from skills.upload_data import OnUpload

NAME = "timeseries"

ModelName = Literal["dense", "conv1d", "lstm"]
MODEL_NAMES: tuple[ModelName, ...] = ("dense", "conv1d", "lstm")
MODEL_LABELS = {"dense": "dense (DNN)", "conv1d": "causal Conv1D + dense", "lstm": "LSTM"}
# Relative cost per epoch, to share the progress bar fairly between models.
MODEL_COST = {"dense": 1.0, "conv1d": 1.0, "lstm": 2.5}
# On an upload, the default trio trains without its LSTM (over half the time), so a learner's
# series with the default settings trains within the job time limit; asked alone, it trains.
UPLOAD_MODELS: tuple[ModelName, ...] = ("dense", "conv1d")

CONV_KERNEL = 3
SHUFFLE_BUFFER = 1000  # the book's shuffle_buffer_size
MIN_TRAIN_WINDOWS = 100  # fewer training windows than this teach a model nothing
MAX_VALIDATION_ROWS = 500


class Params(OnUpload):  # upload_dir: the learner's series instead of the synthetic one
    # The series (chapter 9's defaults: four years of daily values)
    length: int = Field(default=4 * 365 + 1, ge=100, le=5000)
    baseline: float = Field(default=10.0, ge=-1000, le=1000)
    slope: float = Field(default=0.05, ge=-1, le=1)
    period: int = Field(default=365, ge=2, le=2000)
    amplitude: float = Field(default=40.0, ge=0, le=500)
    noise_level: float = Field(default=5.0, ge=0, le=100)
    split_time: int = Field(default=1000, ge=10, le=4999)
    # Baselines and windows
    moving_average_window: int = Field(default=30, ge=2, le=365)
    window_size: int = Field(default=20, ge=2, le=200)
    # Training (each chosen model trains for `epochs`)
    models: list[ModelName] = Field(default_factory=lambda: list(MODEL_NAMES), min_length=1, max_length=3)
    epochs: int = Field(default=30, ge=1, le=200)
    batch_size: int = Field(default=32, ge=1, le=256)
    learning_rate: float = Field(default=0.003, gt=0, le=0.1)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)

    @field_validator("models")
    @classmethod
    def _no_repeats(cls, models: list[str]) -> list[str]:
        if len(set(models)) != len(models):
            raise ValueError("name each model once")
        return models


# ---------------------------------------------------------------- the series (chapter 9)

def seasonal_pattern(season_time: np.ndarray) -> np.ndarray:
    """The book's arbitrary yearly shape: a cosine bump, then an exponential decay."""
    return np.where(season_time < 0.4, np.cos(season_time * 2 * np.pi), 1 / np.exp(3 * season_time))


def synthetic_series(params: Params) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """time, the parts {trend, seasonality, noise} and their sum plus the baseline (float32)."""
    time_steps = np.arange(params.length, dtype="float32")
    season_time = (time_steps % params.period) / params.period
    parts = {
        "trend": params.slope * time_steps,
        "seasonality": params.amplitude * seasonal_pattern(season_time),
        "noise": np.random.RandomState(params.seed).randn(params.length) * params.noise_level,
    }
    series = params.baseline + (parts["trend"] + parts["seasonality"] + parts["noise"])
    return time_steps, {k: v.astype("float32") for k, v in parts.items()}, series.astype("float32")


def check_fits(params: Params) -> None:
    """Refuse settings whose periods cannot hold the windows, with the exact limit to fix."""
    n, split, window = params.length, params.split_time, params.window_size
    if split >= n:
        raise SkillError(f"split_time ({split}) must be less than length ({n}), so that some "
                         f"points are left to validate on.")
    validation = n - split
    if validation < window:
        raise SkillError(
            f"The validation period has {validation} points (length {n} - split_time {split}), "
            f"fewer than window_size ({window}). Use window_size {validation} or less, or "
            f"length {split + window} or more.")
    if split - window < MIN_TRAIN_WINDOWS:
        raise SkillError(
            f"The training period (split_time {split}) holds {max(split - window, 0)} windows of "
            f"window_size {window}; it needs at least {MIN_TRAIN_WINDOWS}. Use split_time "
            f"{window + MIN_TRAIN_WINDOWS} or more, or window_size {split - MIN_TRAIN_WINDOWS} or less.")
    if params.moving_average_window > split:
        raise SkillError(
            f"moving_average_window ({params.moving_average_window}) is longer than the training "
            f"period (split_time {split}). Use moving_average_window {split} or less.")


# ---------------------------------------------------------------- windows (chapter 10)

def windowed_dataset(series: np.ndarray, window_size: int, batch_size: int, shuffle_buffer: int,
                     seed: int | None = None) -> Any:  # a tf.data.Dataset
    """The book's pipeline: slide a window of window_size + 1 values, split it into (window,
    next value), shuffle and batch. Cached after the windowing so later epochs skip it."""
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices(series)
    dataset = dataset.window(window_size + 1, shift=1, drop_remainder=True)
    dataset = dataset.flat_map(lambda window: window.batch(window_size + 1))
    # flat_map hides the count; Keras needs it to run several steps per call.
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(len(series) - window_size))
    dataset = dataset.map(lambda window: (window[:-1], window[-1])).cache()
    dataset = dataset.shuffle(shuffle_buffer, seed=seed)
    return dataset.batch(batch_size).prefetch(1)


def forecast_windows(series: np.ndarray, window_size: int) -> np.ndarray:
    """Every window of window_size consecutive values, in order (the book's model_forecast
    input): row i forecasts series[i + window_size]."""
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices(series)
    dataset = dataset.window(window_size, shift=1, drop_remainder=True)
    dataset = dataset.flat_map(lambda window: window.batch(window_size))
    return np.stack(list(dataset.as_numpy_iterator())).astype("float32")


# ---------------------------------------------------------------- models (chapters 10-11)

def causal_padding(window_size: int, zeros: int) -> list:
    """Layers that turn a window into a sequence with `zeros` zeros before it: the book's
    Conv1D(padding="causal"), spelled out, so each output sees only its own and earlier steps.
    TF.js cannot run padding="causal" and has no ZeroPadding1D, hence the 2-D padding."""
    layers = keras().layers
    return [layers.Reshape((window_size, 1, 1)),
            layers.ZeroPadding2D(((zeros, 0), (0, 0)), name="causal_padding"),
            layers.Reshape((window_size + zeros, 1), name="as_sequence")]


def build_model(name: ModelName, window_size: int, mean: float, scale: float) -> Any:
    """One of the book's three forecasters, between layers that standardise the window and
    undo it on the forecast (see the module docstring)."""
    k = keras()
    layers = k.layers
    into_units = layers.Rescaling(1 / scale, offset=-mean / scale, input_shape=[window_size],
                                  name="standardise")
    back_to_values = layers.Rescaling(scale, offset=mean, name="to_series_units")
    as_sequence = layers.Reshape((window_size, 1), name="as_sequence")  # [time steps, 1 feature]
    if name == "dense":
        body = [layers.Dense(10, activation="relu"), layers.Dense(10, activation="relu"), layers.Dense(1)]
    elif name == "conv1d":
        body = [*causal_padding(window_size, CONV_KERNEL - 1),
                layers.Conv1D(32, kernel_size=CONV_KERNEL, padding="valid", activation="relu"),
                layers.Flatten(), layers.Dense(10, activation="relu"), layers.Dense(1)]
    else:
        # unroll: the 20 steps become plain ops, which TFLite converts (a looped LSTM with a
        # free batch size does not) and which train faster on CPU for short windows.
        body = [as_sequence, layers.LSTM(32, unroll=True), layers.Dense(1)]
    return k.Sequential([into_units, *body, back_to_values], name=name)


def train(model: Any, train_data: Any, validation: tuple[np.ndarray, np.ndarray], epochs: int,
          learning_rate: float, callbacks: list) -> Any:
    """Adam on the Huber loss (the book's chapter 11 choice: MAE-like for large errors, smooth
    near zero), with the learning rate decaying to zero so the last epochs settle down
    instead of jumping around the validation MAE."""
    k = keras()
    steps = epochs * int(train_data.cardinality())
    model.compile(loss=k.losses.Huber(), metrics=["mae"], steps_per_execution=8,
                  optimizer=k.optimizers.Adam(k.optimizers.schedules.CosineDecay(learning_rate, steps)))
    return model.fit(train_data, epochs=epochs, validation_data=validation, verbose=0,
                     callbacks=callbacks)


# ---------------------------------------------------------------- the run

def run(params: Params, out_dir: Path, progress: Progress = no_progress) -> SkillResult:
    from skills import timeseries_plots, upload_coaching, upload_data

    # The learner's series (checked against the window before anything trains) or the book's
    uploaded = upload_data.series(params.upload("series"), params.window_size) if params.upload_dir else None
    if uploaded is None:
        check_fits(params)
    seed_everything(params.seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    window = params.window_size

    # Prepare the data
    parts: dict[str, np.ndarray] = {}  # a learner's series has no known parts
    if uploaded:
        series, split = uploaded.values, uploaded.split_time
        time_steps = np.arange(len(series), dtype="float32")
    else:
        (time_steps, parts, series), split = synthetic_series(params), params.split_time
    time_valid, x_valid = time_steps[split:], series[split:]
    made = f"read your series ({uploaded.column})" if uploaded else "made a series"
    progress(0.01, f"{made} of {len(series)} points; validating on the last {len(x_valid)}")

    # Baselines (the seasonal one needs the synthetic series' known season: not on an upload)
    forecasts = {"naive": series[split - 1:-1]}
    ma_window = min(params.moving_average_window, split)
    forecasts["moving_average"] = moving_average_forecast(series, ma_window)[split - ma_window:]
    seasonal = seasonal_baseline(series, split, params.period) if not uploaded else None
    if seasonal is not None:
        forecasts["diff_moving_average"] = seasonal
    baseline_labels = {"naive": "naive forecast",
                       "moving_average": f"moving average ({ma_window})",
                       "diff_moving_average": "differenced moving average + smoothed past"}

    # Windows: training windows are shuffled; validation windows, taken from the real series
    # just before each validation point, are in order (one-step-ahead forecasts).
    train_data = windowed_dataset(series[:split], window, params.batch_size, SHUFFLE_BUFFER, params.seed)
    valid_windows = forecast_windows(series[split - window:-1], window)
    mean, scale = float(series[:split].mean()), float(series[:split].std()) or 1.0

    # Train each chosen model
    chosen = list(UPLOAD_MODELS) if uploaded and params.models == list(MODEL_NAMES) else params.models
    total_cost = sum(MODEL_COST[name] for name in chosen)
    done, models, curves = 0.0, {}, {}
    started = time.perf_counter()
    for name in chosen:
        span = 0.95 * MODEL_COST[name] / total_cost
        callback = progress_callback(progress, params.epochs, 0.02 + 0.95 * done / total_cost, span,
                                     label=MODEL_LABELS[name])
        models[name] = build_model(name, window, mean, scale)
        history = train(models[name], train_data, (valid_windows, x_valid), params.epochs,
                        params.learning_rate, [callback])
        curves[MODEL_LABELS[name]] = history.history["val_mae"]
        forecasts[name] = models[name].predict(valid_windows, batch_size=256, verbose=0).reshape(-1)
        if not np.all(np.isfinite(forecasts[name])):
            raise SkillError(f"The {MODEL_LABELS[name]} model's forecasts blew up to infinity: "
                             f"learning_rate {params.learning_rate:g} is too big. Try 0.003.")
        done += MODEL_COST[name]
    train_seconds = time.perf_counter() - started

    # Score
    scores = {name: mae(x_valid, values) for name, values in forecasts.items()}
    best = min(chosen, key=scores.__getitem__)
    table = sorted(({"model": name, "label": MODEL_LABELS.get(name) or baseline_labels[name],
                     "mae": scores[name], "kind": "model" if name in models else "baseline"}
                    for name in forecasts), key=lambda row: row["mae"])

    # Save the best model and its validation windows
    model_path = out_dir / "model.keras"
    models[best].save(model_path)
    np.savez(out_dir / "validation.npz", x=valid_windows[:MAX_VALIDATION_ROWS],
             y=x_valid[:MAX_VALIDATION_ROWS])

    # Plot
    series_plot = timeseries_plots.series_components(
        time_steps, parts, series, split, out_dir / "series.png",
        f"Your series ({uploaded.column}): training period, then validation period" if uploaded else None)
    forecast_plot = timeseries_plots.forecast(
        time_valid, x_valid,
        {f"naive (MAE {scores['naive']:.2f})": forecasts["naive"],
         f"{MODEL_LABELS[best]} (MAE {scores[best]:.2f})": forecasts[best]},
        out_dir / "forecast.png", "One-step-ahead forecasts over the validation period")
    curves_plot = timeseries_plots.validation_mae_curves(curves, scores["naive"],
                                                         out_dir / "validation_mae.png")
    progress(1.0, f"done: best model {MODEL_LABELS[best]}, MAE {scores[best]:.3g}")

    metrics = {
        "mae": scores[best],
        "naive_mae": scores["naive"],
        "moving_average_mae": scores["moving_average"],
        **({"diff_moving_average_mae": scores["diff_moving_average"]} if seasonal is not None else {}),
        **{f"mae_{name}": scores[name] for name in models},
        "train_seconds": train_seconds,
        "epochs": params.epochs,
        "window_size": window,
        "split_time": split,
        "validation_points": len(x_valid),
    }
    data_note = upload_coaching.series(len(series), window, split - window, uploaded.gaps,
                                       uploaded.uploaded_rows) if uploaded else None
    if uploaded and chosen != params.models:
        data_note = " ".join(filter(None, [data_note, "I left the LSTM out to stay within the time "
                                           "limit; ask for an lstm on my upload to train it alone."]))
    return SkillResult(
        skill=NAME,
        metrics=metrics,
        artifacts=[
            ArtifactFile("plot", forecast_plot),
            ArtifactFile("plot", series_plot),
            ArtifactFile("plot", curves_plot),
            ArtifactFile("model", model_path),
            ArtifactFile("validation-data", out_dir / "validation.npz"),
        ],
        summary=summarise(scores, best, table, len(x_valid), (data_note or "") if uploaded else None),
        extras={"table": table, "best_model": best, "best_model_label": MODEL_LABELS[best],
                **({"data_coaching": data_note} if data_note else {})},
    )


def summarise(scores: dict[str, float], best: str, table: list[dict], points: int,
              own_data: str | None = None) -> str:
    """The winner against the naive forecast, then one hint on what to try next. `own_data`:
    on a learner's upload, what their data says (skills/upload_coaching.py), or "" for nothing."""
    naive = scores["naive"]
    change = (naive - scores[best]) / naive * 100 if naive > 0 else 0.0
    text = (f"Best model: {MODEL_LABELS[best]}, with MAE {scores[best]:.2f} over the {points} "
            f"validation points, against {naive:.2f} for the naive forecast")
    after = f" {own_data}" if own_data else ""
    if scores[best] < naive:
        text += f" ({change:.0f}% lower)."
    else:
        return text + (". No model beat the naive forecast: try more epochs, a smaller "
                       "learning_rate or a larger window_size.") + after
    top = table[0]
    if top["kind"] == "baseline":
        return text + (f" The {top['label']} still wins with {top['mae']:.2f}: it reads values "
                       f"from a whole season back, beyond every model's window: always compare "
                       f"models with simple baselines.") + after
    if own_data is not None:
        return text + after
    return text + (" Raise noise_level and run again: every forecast gets worse, and the gap to "
                   "the naive forecast shows how much pattern the models still find.")


SPEC = SkillSpec(
    name=NAME, title="time-series forecaster", params=Params, run=run,
    metrics=("mae", "naive_mae", "moving_average_mae", "mae_dense", "mae_conv1d", "mae_lstm",
             "train_seconds"),
    key_metric=("mae", "MAE of the best model"),
    export=ExportSpec(task="regression", input_kind="window", page_title="Forecast the next value",
                      output_label="next value"),
)
