"""Load a finished run for the export skill: its model.keras (with the source skill's custom
objects), its validation.npz rows, and what kind of model it is (task, the web page's input kind,
class names, vocabulary). Every per-skill fact comes from the source skill's SkillSpec.export."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from skills.base import ExportSpec, SkillError
from skills.training import keras


@dataclass
class Source:
    """A finished run: its model, validation rows and what kind of model it is."""

    skill: str
    model: Any  # a tf_keras model
    x: np.ndarray
    y: np.ndarray
    task: str  # regression | binary | multiclass
    kind: str  # image | tokens | window | number (the web page's input)
    class_names: list[str] | None
    vocabulary: list[str] | None
    spec: ExportSpec  # the source skill's export description (page title, padding, labels)


def task_of(model: Any, spec: ExportSpec) -> str:
    """regression for the skills that forecast numbers; else a sigmoid unit is binary and a
    softmax layer multiclass (read from the model, so any classifier works)."""
    if spec.task == "regression":
        return "regression"
    if int(model.output_shape[-1]) > 1:
        return "multiclass"
    activation = getattr(getattr(model.layers[-1], "activation", None), "__name__", "")
    return "binary" if activation == "sigmoid" else "regression"


def load_source(folder: Path, skill: str) -> Source:
    """The run in `folder`, trained by `skill`; a SkillError that asks to train first when its
    model.keras or validation.npz is missing."""
    from skills import registry, text_data

    trainer = registry.get(skill)
    spec = trainer.export
    if spec is None:
        raise SkillError(f"A {trainer.title} run leaves no model to export.")
    missing = [name for name in ("model.keras", "validation.npz") if not (folder / name).is_file()]
    if missing:
        raise SkillError(f"Nothing to export from this {skill.replace('_', ' ')} run "
                         f"({' and '.join(missing)} missing): train a model first, then ask to export it.")
    model = keras().models.load_model(folder / "model.keras", custom_objects=trainer.custom_objects(),
                                      compile=False)
    if spec.prepare_model is not None:
        model = spec.prepare_model(model)
    with np.load(folder / "validation.npz") as data:
        x, y = data["x"], data["y"]
    if len(x) == 0:
        raise SkillError("This run saved no validation rows, so its exports cannot be checked: train it again.")
    vocabulary = None
    if spec.input_kind == "tokens" and (folder / "vocab.txt").is_file():
        vocabulary = text_data.load_vocabulary(folder / "vocab.txt")
    class_names = spec.class_names(model, vocabulary) if spec.class_names else None
    return Source(skill, model, x, y, task_of(model, spec), spec.input_kind, class_names, vocabulary, spec)
