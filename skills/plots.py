"""PNG plots for skill results, drawn with matplotlib's headless Agg backend."""

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402  (backend must be chosen first)


def loss_curve(losses: Sequence[float], path: Path, title: str = "Training loss") -> Path:
    """Per-epoch loss on a log scale, so the long flat tail of SGD stays readable."""
    fig = Figure(figsize=(6, 3.6), dpi=100)
    ax = fig.add_subplot()
    epochs = range(1, len(losses) + 1)
    ax.plot(epochs, losses, color="#d9480f", linewidth=2)
    if min(losses) > 0:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean squared error")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, format="png")
    return path


def training_curves(history: dict[str, Sequence[float]], path: Path, title: str = "Training") -> Path:
    """Training vs validation curves, one panel per metric (loss, accuracy, mae...), from a
    Keras History.history dict; a gap that opens between the two lines is overfitting."""
    metrics = [name for name in history if not name.startswith("val_")]
    fig = Figure(figsize=(4.2 * len(metrics), 3.4), dpi=100)
    for i, name in enumerate(metrics, start=1):
        ax = fig.add_subplot(1, len(metrics), i)
        epochs = range(1, len(history[name]) + 1)
        ax.plot(epochs, history[name], color="#1c7ed6", linewidth=2, label="training")
        if f"val_{name}" in history:
            ax.plot(epochs, history[f"val_{name}"], color="#d9480f", linewidth=2, label="validation")
        ax.set_xlabel("epoch")
        ax.set_title(name.replace("_", " "))
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, format="png")
    return path
