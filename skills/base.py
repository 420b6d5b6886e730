"""What every skill shares: the progress callback, the result shape and the error a learner sees.

Skills import nothing from Rasa, FastAPI or the database. A skill writes its files into the
folder it is given and names them in the result; the worker stores and publishes them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, Field


class Progress(Protocol):
    def __call__(self, fraction: float, note: str) -> None:
        """Report how far along the skill is (0..1) and what it is doing, in words."""


def no_progress(fraction: float, note: str) -> None:
    """A Progress that drops reports, for callers (tests, benches) that do not need them."""


class SkillError(Exception):
    """A failure the learner can act on; its message is shown in chat as written."""


@dataclass
class ArtifactFile:
    kind: str  # plot | tflite | tfjs | ...
    path: Path  # inside the skill's output folder
    # For multi-file artifacts (a TF.js model.json with weight shards), the other files.
    extra_files: list[Path] = field(default_factory=list)


@dataclass
class SkillResult:
    skill: str
    metrics: dict[str, float]
    artifacts: list[ArtifactFile]
    summary: str  # one or two sentences for the learner
    # Skill-specific payload keys beside skill/metrics/artifacts, e.g. textgen's "generated"
    # text or a table of rows; JSON-serialisable values only.
    extras: dict[str, Any] = field(default_factory=dict)


class FromRun(BaseModel):
    """Params of a skill that works on one of the learner's finished runs (exports, predictions).

    A job names the run by its job number, never by a path: the worker checks that run belongs to
    the same learner and fills in `model_dir`, which is never stored with the job.
    """

    source_job_id: int = Field(ge=1, le=2**31 - 1)  # a job number (an SQL integer key)
    model_dir: Path | None = Field(default=None, exclude=True)

    def run_folder(self) -> Path:
        if self.model_dir is None:
            raise SkillError("I couldn't find that training's files. Train it again, then ask me again.")
        return Path(self.model_dir)


@dataclass(frozen=True)
class ExportSpec:
    """How the export skill serves a model this skill trained: what goes in, what comes out."""

    task: str  # "regression" | "classification" (binary or not is read from the model)
    input_kind: str  # "number" | "image" | "tokens" | "window": picks the TF.js page's input
    page_title: str  # the exported TF.js page's heading
    output_label: str | None = None  # a regression output's name ("y", "next value")
    padding: str = "post"  # token sequences: where the exporter pads short inputs
    # (model, vocabulary) -> class names for a classifier's outputs, or None
    class_names: Callable[[Any, list[str] | None], list[str] | None] | None = None
    # model -> a model every converter can hold (transfer swaps its hub layer for plain layers)
    prepare_model: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class SkillSpec:
    """A skill, declared once in its own module; skills.registry collects every SkillSpec.

    Every place that needs a fact about a skill (the worker, chat, lessons, exports, "show my
    models") reads it here, so a new skill touches its module, its chat words and its tests only.
    """

    name: str
    title: str  # how chat names it: "image classifier (digits)"
    params: type[BaseModel]  # every field bounded: the worker, chat and lessons validate with it
    run: Callable[..., SkillResult]  # run(params, out_dir, progress) -> SkillResult
    metrics: tuple[str, ...] = ()  # what SkillResult.metrics holds (lesson checkpoints test these)
    key_metric: tuple[str, str] | None = None  # (metric, how chat says it) for "show my models"
    export: ExportSpec | None = None  # None: nothing to export (tokenizer, predictions, exports)
    # -> Keras custom objects needed to load the saved model.keras (made on call: may import TF)
    custom_objects: Callable[[], dict[str, Any]] = dict
    # Settings fields (machine-level folders) the worker copies into the same-named Params fields;
    # those fields are `exclude=True`, so no path is ever stored with a job.
    settings: tuple[str, ...] = ()

    @property
    def trains_model(self) -> bool:
        """Leaves a model.keras that lessons may run and the export skill may convert."""
        return self.export is not None
