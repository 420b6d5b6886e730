"""Keras plumbing every trained skill shares: which Keras, seeding, and progress per epoch.

tf_keras (Keras 2), not Keras 3: the TF.js converter only reads Keras 2 layer JSON
(docs/decisions.md, D4), and Keras 2's fit loop is much faster for the small models here.
"""

import os
import random
from typing import Any

from skills.base import Progress


def keras() -> Any:
    """Import and return tf_keras; TF_USE_LEGACY_KERAS keeps tf.keras pointing at it too.

    Typed Any, like every Keras model and layer in skills/: TensorFlow and tf_keras ship no usable
    type information, so mypy cannot check what is done with them.
    """
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    import tf_keras

    return tf_keras


def seed_everything(seed: int) -> None:
    """Same seed, same run: learners comparing two runs should see their change, not noise."""
    import numpy as np
    import tensorflow as tf

    random.seed(seed)
    np.random.seed(seed)
    tf.random.set_seed(seed)


def progress_callback(progress: Progress, epochs: int, start: float = 0.0, span: float = 1.0,
                      label: str = "") -> Any:
    """A Keras callback that reports each finished epoch as a fraction in [start, start+span].

    The worker's progress function may raise (job cancelled or over its time limit); Keras
    lets that exception end fit(), which is how a running training is stopped.
    """
    Callback: Any = keras().callbacks.Callback

    class _EpochProgress(Callback):  # type: ignore[misc]  # Keras's Callback is untyped (Any)
        def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
            logs = logs or {}
            shown = ", ".join(f"{key} {value:.3g}" for key, value in logs.items())
            prefix = f"{label}: " if label else ""
            progress(start + span * (epoch + 1) / epochs, f"{prefix}epoch {epoch + 1}/{epochs}, {shown}")

    return _EpochProgress()
