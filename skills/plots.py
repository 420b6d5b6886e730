"""PNG plots for skill results, drawn with matplotlib's headless Agg backend."""

from pathlib import Path
from typing import Sequence

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
