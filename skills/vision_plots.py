"""PNG plots for the image skills: confusion matrix, a grid of predictions, transfer vs scratch.

Same headless Agg Figure approach as skills/plots.py (training curves live there).
"""

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402  (backend must be chosen first)

RIGHT, WRONG = "#2b8a3e", "#e03131"


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """counts[true, predicted]."""
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return counts


def confusion_matrix_plot(counts: np.ndarray, class_names: Sequence[str], path: Path,
                          title: str = "Confusion matrix") -> Path:
    """Counts with numbers in each cell; everything off the diagonal is a mistake."""
    n = len(class_names)
    fig = Figure(figsize=(1.0 + 0.5 * n, 0.8 + 0.5 * n), dpi=100)
    ax = fig.add_subplot()
    ax.imshow(counts, cmap="Blues")
    threshold = counts.max() / 2 if counts.size else 0
    for i in range(n):
        for j in range(n):
            if counts[i, j]:
                ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=8,
                        color="white" if counts[i, j] > threshold else ("black" if i == j else WRONG))
    ax.set_xticks(range(n), class_names, rotation=45 if max(map(len, class_names)) > 2 else 0,
                  ha="right" if max(map(len, class_names)) > 2 else "center", fontsize=8)
    ax.set_yticks(range(n), class_names, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, format="png")
    return path


def prediction_grid(images: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray,
                    class_names: Sequence[str], path: Path, title: str = "Sample predictions",
                    columns: int = 8) -> Path:
    """Images with "true X / pred Y" titles: green when right, red when wrong."""
    rows = max(1, -(-len(images) // columns))
    fig = Figure(figsize=(1.3 * columns, 1.45 * rows + 0.4), dpi=100)
    for i, (image, true, pred) in enumerate(zip(images, y_true, y_pred)):
        ax = fig.add_subplot(rows, columns, i + 1)
        if image.shape[-1] == 3:  # a learner's RGB upload, in its own colours
            ax.imshow(image.clip(0, 1))
        else:
            ax.imshow(image[..., 0], cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"true {class_names[true]}\npred {class_names[pred]}", fontsize=7,
                     color=RIGHT if true == pred else WRONG)
        ax.axis("off")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, format="png")
    return path


def comparison_plot(histories: Mapping[str, Mapping[str, Sequence[float]]], path: Path,
                    title: str = "Transfer learning vs training from scratch",
                    metric: str = "val_accuracy") -> Path:
    """Left: the metric per epoch for each run; right: final values as bars, so the gain reads
    at a glance."""
    colors = ["#1c7ed6", "#d9480f", "#2b8a3e", "#862e9c"]
    fig = Figure(figsize=(9, 3.6), dpi=100)
    curves, bars = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    labels = list(histories)
    for color, label in zip(colors, labels):
        values = histories[label][metric]
        curves.plot(range(1, len(values) + 1), values, color=color, linewidth=2, label=label)
    curves.set_xlabel("epoch")
    curves.set_title(metric.replace("_", " "))
    curves.grid(True, alpha=0.3)
    curves.legend()
    finals = [histories[label][metric][-1] for label in labels]
    bars.bar(labels, finals, color=colors[:len(labels)])
    for x, value in enumerate(finals):
        bars.text(x, value, f"{value:.3f}", ha="center", va="bottom")
    bars.set_ylim(0, 1.05)
    bars.set_title(f"final {metric.replace('_', ' ')}")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, format="png")
    return path
