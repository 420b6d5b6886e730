"""The chat payload contract: every machine-readable message Tutor sends, as a typed model.

Producers (the actions, the lesson turns) build these models; consumers (web/src/render.js,
web/src/store.js, bot/slack_blocks.py) are tested against the JSON Schema generated from them and
checked into web/payloads.schema.json (`python -m tutor.payloads` rewrites it; a test keeps the
file in sync). A payload travels as Rasa `json_message={"data": payload}` (see `as_json_message`):
the socket.io channel hands the client the payload itself, REST returns it under `custom.data`.
"""

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "web" / "payloads.schema.json"
JobStatusName = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Artifact(BaseModel):
    """A downloadable file of a run (a plot, a .tflite file, a TF.js model.json ...)."""

    kind: str
    name: str
    url: str
    size_bytes: int = Field(ge=0)


class JobCard(_Payload):
    """A job was queued: the widget opens a progress bar for it."""

    type: Literal["job"] = "job"
    job_id: int
    skill: str
    status: Literal["queued"] = "queued"


class JobProgress(_Payload):
    type: Literal["progress"] = "progress"
    job_id: int
    skill: str
    progress: float = Field(ge=0, le=1)
    note: str | None = None


class JobResult(BaseModel):
    """A job ended. A succeeded one carries its numbers, files and the skill's own extras
    (textgen's `generated`, an MAE `table`, export's `recommendation` ...), hence extra keys."""

    model_config = ConfigDict(extra="allow")

    type: Literal["result"] = "result"
    job_id: int
    status: Literal["succeeded", "failed", "cancelled"]
    skill: str | None = None
    metrics: dict[str, int | float] = Field(default_factory=dict)
    artifacts: list[Artifact] = Field(default_factory=list)
    summary: str | None = None
    # The result in words, as its card shows them (markdown): the widget renders the card in
    # place of the message's text bubble, so each result is shown once.
    text: str | None = None
    error: str | None = None
    # The job's public id: the web widget acknowledges the card with it once rendered
    # (POST /chat/results/shown), which is when the result counts as delivered (jobs/delivery.py).
    receipt: str | None = None


class JobsCancelled(_Payload):
    type: Literal["cancelled"] = "cancelled"
    job_ids: list[int]


class ModelItem(_Payload):
    job_id: int
    skill: str
    title: str
    finished_at: str | None = None
    metrics: dict[str, int | float] = Field(default_factory=dict)
    artifacts: list[Artifact] = Field(default_factory=list)
    # False while no chat has shown this run's result (it is still owed, or past the age limit).
    shown: bool = True
    # "cnn, 15 epochs, augmentation": the settings it was trained with, beside its key metric.
    settings: str | None = None
    key_metric: str | None = None  # "validation accuracy 0.962"


class ModelList(_Payload):
    """"show my models": the learner's finished runs, newest first."""

    type: Literal["models"] = "models"
    items: list[ModelItem]


class FaqMeta(_Payload):
    """Which knowledge entry answered, so the widget and staff can tell answers apart."""

    type: Literal["faq"] = "faq"
    faq_id: str
    kind: str
    topic: str | None = None
    score: float | None = None


class LessonState(_Payload):
    """Where the learner is in a lesson: the widget's top-bar chip."""

    type: Literal["lesson"] = "lesson"
    lesson_id: str
    title: str
    step: int = Field(ge=0)
    steps: int = Field(ge=1)
    finished: bool = False


class StaffNote(_Payload):
    """A message from course staff (an answer to the learner's question, a handoff reply): shown
    apart from Tutor's own words, marked as coming from staff."""

    type: Literal["staff"] = "staff"
    kind: Literal["answer", "reply"]
    text: str = Field(description="The whole message as the learner reads it.")
    question: str | None = Field(default=None, description="The learner's words it answers (answers).")
    sender: str = "Course staff"


AnyPayload = (JobCard | JobProgress | JobResult | JobsCancelled | ModelList | FaqMeta | LessonState
              | StaffNote)
Payload = Annotated[AnyPayload, Field(discriminator="type")]
PAYLOAD: TypeAdapter[AnyPayload] = TypeAdapter(Payload)


def as_json_message(payload: BaseModel) -> dict[str, Any]:
    """The `json_message` argument of Rasa's `dispatcher.utter_message` for a payload."""
    return {"data": payload.model_dump(mode="json", exclude_none=False)}


def parse(data: dict[str, Any]) -> BaseModel:
    """A received payload as its model (raises pydantic.ValidationError when it breaks the contract)."""
    return PAYLOAD.validate_python(data)


def schema() -> dict[str, Any]:
    document = PAYLOAD.json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Tutor chat payload",
            "description": "Generated from tutor/payloads.py by `python -m tutor.payloads`; do not edit.",
            **document}


def schema_text() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and sys.argv[1].startswith("-")):
        sys.exit("usage: python -m tutor.payloads [schema file, default web/payloads.schema.json]")
    target = Path(sys.argv[1]) if len(sys.argv) == 2 else SCHEMA_FILE
    target.write_text(schema_text())
    print(f"wrote {target}")
