"""PNG plots for the time-series skill: the series and its parts, the forecast, and learning.

Kept apart from skills/timeseries.py so the training code reads top to bottom; drawn with
matplotlib's headless Agg backend like skills/plots.py.
"""

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure  # a Figure draws on its own Agg canvas: no pyplot, no GUI

from skills import plots  # noqa: F401  (selects the Agg backend for any pyplot use)

ACTUAL = "#495057"
NAIVE = "#adb5bd"
COLORS = ["#1c7ed6", "#d9480f", "#2b8a3e", "#ae3ec9", "#f08c00"]


def series_components(time: np.ndarray, parts: Mapping[str, np.ndarray], series: np.ndarray,
                      split_time: int, path: Path, title: str | None = None) -> Path:
    """The series above its parts (trend, seasonality, noise), so a learner sees what each
    parameter adds; the dashed line is where training stops and validation starts. A learner's
    own series has no parts: then the series alone, under `title`."""
    fig = Figure(figsize=(9, 5.6 if parts else 3.6), dpi=100)
    top = fig.add_subplot(2 if parts else 1, 1, 1)
    top.plot(time, series, color=ACTUAL, linewidth=0.8, label="series")
    top.axvline(split_time, color="#e03131", linestyle="--", linewidth=1)
    top.text(split_time, top.get_ylim()[1], " validation →", color="#e03131", va="top", fontsize=9)
    top.set_title(title or "Synthetic series: training period, then validation period")
    top.set_ylabel("value")
    top.grid(True, alpha=0.3)
    if not parts:
        top.set_xlabel("row")
        fig.tight_layout()
        fig.savefig(path, format="png")
        return path
    bottom = fig.add_subplot(2, 1, 2, sharex=top)
    for (name, values), color in zip(parts.items(), COLORS):
        bottom.plot(time, values, color=color, linewidth=0.8 if name == "noise" else 1.5, label=name)
    bottom.set_title("Its parts: series = baseline + trend + seasonality + noise")
    bottom.set_xlabel("time step")
    bottom.grid(True, alpha=0.3)
    bottom.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, format="png")
    return path


def forecast(time: np.ndarray, actual: np.ndarray, forecasts: Mapping[str, np.ndarray],
             path: Path, title: str) -> Path:
    """Actual values against one-step-ahead forecasts over the validation period; the naive
    forecast (grey) is the line every model has to beat."""
    fig = Figure(figsize=(9, 4), dpi=100)
    ax = fig.add_subplot()
    ax.plot(time, actual, color=ACTUAL, linewidth=1, label="actual", zorder=3)
    for i, ((name, values), color) in enumerate(zip(forecasts.items(), [NAIVE, *COLORS])):
        # The naive forecast is the actual line shifted by one step: draw it faintly, under it.
        ax.plot(time, values, color=color, linewidth=1.2, label=name,
                alpha=0.8 if i == 0 else 1.0, zorder=2 if i == 0 else 4)
    ax.set_title(title)
    ax.set_xlabel("time step")
    ax.set_ylabel("value")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, format="png")
    return path


def validation_mae_curves(curves: Mapping[str, Sequence[float]], naive_mae: float, path: Path) -> Path:
    """Validation MAE per epoch for each model against the naive forecast's MAE (flat line):
    a curve that dips below the line has learned something the naive forecast cannot."""
    fig = Figure(figsize=(6.4, 3.8), dpi=100)
    ax = fig.add_subplot()
    for (name, values), color in zip(curves.items(), COLORS):
        ax.plot(range(1, len(values) + 1), values, color=color, linewidth=2, label=name)
    ax.axhline(naive_mae, color=NAIVE, linestyle="--", linewidth=1.5, label="naive forecast")
    # Epoch 1 can be far off; cut the axis so the part that matters stays readable.
    top = max([2 * naive_mae, *(1.2 * v[-1] for v in curves.values())])
    if top > 0:
        ax.set_ylim(0, top)
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation MAE")
    ax.set_title("Validation MAE per epoch")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, format="png")
    return path
