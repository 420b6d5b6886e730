"""What every skill shares: the progress callback, the result shape and the error a learner sees.

Skills import nothing from Rasa, FastAPI or the database. A skill writes its files into the
folder it is given and names them in the result; the worker stores and publishes them.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


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
