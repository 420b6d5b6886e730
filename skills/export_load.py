"""Load a finished run for the export skill: its model.keras (with the source skill's custom
objects), its validation.npz rows, and what kind of model it is (task, the web page's input kind,
class names, vocabulary)."""

import importlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from skills.base import SkillError
from skills.training import keras

REGRESSION_SKILLS = {"hello_neuron", "timeseries"}
TOKEN_SKILLS = {"sentiment", "textgen"}
IMAGE_SKILLS = {"vision", "transfer"}


@dataclass
class Source:
    """A finished run: its model, validation rows and what kind of model it is."""
    skill: str
    model: object
    x: np.ndarray
    y: np.ndarray
    task: str  # regression | binary | multiclass
    kind: str  # image | tokens | window | number (the web page's input)
    class_names: list[str] | None
    vocabulary: list[str] | None


def custom_objects(skill: str) -> dict:
    """The source skill's CUSTOM_OBJECTS (transfer's hub layer needs one)."""
    return dict(getattr(importlib.import_module(f"skills.{skill}"), "CUSTOM_OBJECTS"))


def task_of(model, skill: str) -> str:
    """regression for the skills that forecast numbers; else a sigmoid unit is binary and a
    softmax layer multiclass (read from the model, so any classifier works)."""
    if skill in REGRESSION_SKILLS:
        return "regression"
    if int(model.output_shape[-1]) > 1:
        return "multiclass"
    activation = getattr(getattr(model.layers[-1], "activation", None), "__name__", "")
    return "binary" if activation == "sigmoid" else "regression"


def class_names_of(skill: str, model, vocabulary: list[str] | None) -> list[str] | None:
    from skills import vision_data

    if skill == "vision":
        fashion = tuple(model.input_shape[1:3]) == (28, 28)
        return list(vision_data.FASHION_MNIST_CLASSES if fashion else vision_data.DIGIT_CLASSES)
    if skill == "transfer":
        from skills.transfer import NEW_DIGITS
        return [str(d) for d in NEW_DIGITS]
    if skill == "sentiment":
        return ["negative", "positive"]
    if skill == "textgen":
        return vocabulary
    return None


def load_source(folder: Path, skill: str) -> Source:
    """The run in `folder`, trained by `skill`; a SkillError that asks to train first when its
    model.keras or validation.npz is missing."""
    from skills import text_data

    missing = [name for name in ("model.keras", "validation.npz") if not (folder / name).is_file()]
    if missing:
        raise SkillError(f"Nothing to export from this {skill.replace('_', ' ')} run "
                         f"({' and '.join(missing)} missing): train a model first, then ask to export it.")
    model = keras().models.load_model(folder / "model.keras", custom_objects=custom_objects(skill),
                                      compile=False)
    if skill == "transfer":
        # TF.js has no KerasLayer: rebuild the same network from plain layers (same weights).
        # A URL-module model keeps its hub layer, and its TF.js variant reports the failure.
        from skills.transfer import plain_model

        try:
            model = plain_model(model)
        except ValueError:
            pass
    with np.load(folder / "validation.npz") as data:
        x, y = data["x"], data["y"]
    if len(x) == 0:
        raise SkillError("This run saved no validation rows, so its exports cannot be checked: train it again.")
    vocabulary = None
    if skill in TOKEN_SKILLS and (folder / "vocab.txt").is_file():
        vocabulary = text_data.load_vocabulary(folder / "vocab.txt")
    kind = ("image" if skill in IMAGE_SKILLS else
            "tokens" if skill in TOKEN_SKILLS else
            "window" if skill == "timeseries" else "number")
    return Source(skill, model, x, y, task_of(model, skill), kind, class_names_of(skill, model, vocabulary),
                  vocabulary)
