"""The lesson format: one YAML file per lesson, checked by these pydantic models.

A lesson is a list of steps. Tutor walks them in order: each step goes to its `next` step when it
names one, else to the step below it; a `branch` jumps on a quiz result; a `checkpoint` lets the
learner on only when its condition holds (else it says `fail_text` and goes to `retry_step`).
Reaching the reserved target `end`, or falling off the last step, finishes the lesson.

The models check one file's shape. What needs more than one field (step references, reachable
steps, skill parameters, prerequisites across lessons) is checked in curriculum.validate. The
quiz questions are in curriculum.asks, the shared field types in curriculum.fields.
"""

import re
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from curriculum.answers import normalize_answer, plain_dashes  # noqa: F401  (the model's own words)
from curriculum.asks import Ask, AskStep, ChoiceAsk, Option, ShortAsk, WrongAnswer
from curriculum.fields import END, Scalar, ShortText, Slug, StepId, Strict, Text, next_field
from skills import registry

# The ask steps live in curriculum.asks; they are part of the lesson format, so importers may
# keep reading them (and END) from here.
__all__ = [
    "END", "FIELD_NAMES", "IMAGE_SUFFIXES", "LESSON_SKILLS", "SKILL_METRICS", "STEP_TYPES", "Ask", "AskStep",
    "BranchStep", "CheckpointStep", "ChoiceAsk", "ChooseSpec", "Condition", "Lesson", "MetricCondition",
    "Option", "QuizPassed", "RunStep", "SayStep", "ShortAsk", "SkillName", "Step", "WrongAnswer",
    "normalize_answer", "plain_dashes",
]

# The training skills a run step may start, and the metrics each one reports in
# SkillResult.metrics (what a checkpoint may test): both read from the skills' own SkillSpecs.
LESSON_SKILLS = registry.trainers()
SKILL_METRICS: dict[str, tuple[str, ...]] = {name: registry.get(name).metrics for name in LESSON_SKILLS}
SkillName = Literal[LESSON_SKILLS]  # type: ignore[valid-type]  # an enum in the JSON Schema

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")


# ---- say ---------------------------------------------------------------------------------------

class SayStep(Strict):
    """Tutor says something (markdown), optionally with a picture."""

    type: Literal["say"]
    id: StepId
    text: Text = Field(description="What Tutor says, in markdown.")
    image: str | None = Field(default=None, description="images/<file> (a file in lessons/images/) "
                                                        "or an https:// URL.")
    next: StepId | None = next_field()

    @field_validator("image")
    @classmethod
    def _image_path_or_url(cls, image: str | None) -> str | None:
        if image is None or re.fullmatch(r"https://[^\s/]+\.[^\s/]+/\S*", image):
            return image
        if not image.startswith("images/") or ".." in image.split("/") or "\\" in image:
            raise ValueError("an image is either images/<file name> (a file in lessons/images/) "
                             "or an https:// address")
        if not image.lower().endswith(IMAGE_SUFFIXES):
            raise ValueError(f"an image file must end in one of {', '.join(IMAGE_SUFFIXES)}")
        return image


# ---- run ---------------------------------------------------------------------------------------

class ChooseSpec(Strict):
    """A skill parameter the learner picks: a number range or a list of options."""

    prompt: ShortText = Field(description="How Tutor asks for the value.")
    min: int | float | None = None
    max: int | float | None = None
    options: list[Scalar] | None = Field(default=None, min_length=1)
    default: Scalar | None = Field(default=None, description="Used when the learner says 'you pick'.")

    @model_validator(mode="after")
    def _range_or_options(self):
        has_range = self.min is not None or self.max is not None
        if has_range == (self.options is not None):
            raise ValueError("give either min and max, or options (not both)")
        if has_range and (self.min is None or self.max is None):
            raise ValueError("give both min and max")
        if has_range and self.min > self.max:
            raise ValueError(f"min ({self.min}) is larger than max ({self.max})")
        if self.default is not None:
            if has_range and not (isinstance(self.default, (int, float))
                                  and self.min <= self.default <= self.max):
                raise ValueError(f"default {self.default!r} is not between min and max")
            if self.options is not None and self.default not in self.options:
                raise ValueError(f"default {self.default!r} is not one of the options")
        return self

    def values_to_check(self) -> list[tuple[str, Any]]:
        """(field, value) pairs that must all be accepted by the skill's Params."""
        if self.options is not None:
            pairs = [("options", value) for value in self.options]
        else:
            pairs = [("min", self.min), ("max", self.max)]
        return pairs + ([("default", self.default)] if self.default is not None else [])


class RunStep(Strict):
    """Tutor runs a skill (a real training) and shows its results."""

    type: Literal["run"]
    id: StepId
    skill: SkillName = Field(description="The training skill to run.")
    params: dict[str, Any] = Field(default_factory=dict,
                                   description="Fixed parameters of the skill's Params.")
    choose: dict[str, ChooseSpec] = Field(default_factory=dict,
                                          description="Parameters the learner picks, within these bounds.")
    text: Text = Field(description="What Tutor says before running.")
    next: StepId | None = next_field()


# ---- checkpoint --------------------------------------------------------------------------------

class QuizPassed(Strict):
    quiz_passed: StepId = Field(description="An ask step the learner must have answered correctly.")


class MetricCondition(Strict):
    metric: str = Field(min_length=1, description="A metric of the skill's result, e.g. val_accuracy.")
    skill: SkillName
    op: Literal[">=", "<=", ">", "<"]
    value: float = Field(allow_inf_nan=False)

    def holds(self, metrics: dict[str, float]) -> bool:
        actual = metrics[self.metric]
        return {">=": actual >= self.value, "<=": actual <= self.value,
                ">": actual > self.value, "<": actual < self.value}[self.op]


def _condition_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        if "quiz_passed" in value:
            return "quiz-condition"
        if "metric" in value:
            return "metric-condition"
        return None
    if isinstance(value, QuizPassed):
        return "quiz-condition"
    return "metric-condition" if isinstance(value, MetricCondition) else None


# Tags name the union member in pydantic's error locations; they never clash with a field name.
Condition = Annotated[
    Annotated[QuizPassed, Tag("quiz-condition")] | Annotated[MetricCondition, Tag("metric-condition")],
    Discriminator(_condition_tag, custom_error_type="condition_kind",
                  custom_error_message="a condition is either `quiz_passed: <ask step id>` or "
                                       "`metric`, `skill`, `op` and `value`"),
]


class CheckpointStep(Strict):
    """The learner goes on only when the condition holds (the latest run of the skill in this
    lesson, or a quiz answered correctly); otherwise Tutor says fail_text and goes to retry_step
    (without one, the learner stays here and Tutor checks again when they want to go on)."""

    type: Literal["checkpoint"]
    id: StepId
    condition: Condition
    fail_text: Text
    retry_step: StepId | None = Field(default=None, description="Where to send the learner when "
                                                                "the condition is not met.")
    next: StepId | None = next_field()


# ---- branch ------------------------------------------------------------------------------------

class BranchStep(Strict):
    """Jump on a quiz result (correct within its allowed tries, or not)."""

    type: Literal["branch"]
    id: StepId
    on: StepId = Field(description="The ask step whose result decides.")
    if_correct: StepId
    if_wrong: StepId


Step = Annotated[SayStep | Ask | RunStep | CheckpointStep | BranchStep, Field(discriminator="type")]
STEP_TYPES = ("say", "ask", "run", "checkpoint", "branch")


# ---- lesson ------------------------------------------------------------------------------------

class Lesson(Strict):
    """One lesson: a title, the book chapters it covers and its steps."""

    model_config = ConfigDict(extra="forbid", frozen=True,
                              json_schema_extra={"title": "Tutor lesson"})

    id: Slug = Field(description="Unique lesson id (lowercase letters, digits, - and _).")
    title: ShortText
    summary: Text | None = Field(default=None, description="One or two sentences for lesson lists.")
    chapters: list[Annotated[int, Field(ge=1, le=20)]] = Field(
        min_length=1, description="Chapters of 'AI and Machine Learning for Coders' it covers.")
    prerequisites: list[Slug] = Field(default_factory=list,
                                      description="Ids of lessons to take first.")
    minutes: int = Field(ge=1, le=240, description="Estimated minutes.")
    steps: list[Step] = Field(min_length=1)

    def step(self, step_id: str) -> Any:
        """The step with this id (KeyError when missing)."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def following(self, step_id: str) -> str | None:
        """Where a step goes when it succeeds: its `next`, else the step below it (None: the end)."""
        index = next(i for i, step in enumerate(self.steps) if step.id == step_id)
        step = self.steps[index]
        target = getattr(step, "next", None)
        if target is not None:
            return None if target == END else target
        if isinstance(step, BranchStep):
            raise ValueError("a branch goes to if_correct or if_wrong")
        return self.steps[index + 1].id if index + 1 < len(self.steps) else None

    def successors(self, step_id: str) -> list[str]:
        """Every step this one may lead to (END and the lesson's end left out)."""
        step = self.step(step_id)
        if isinstance(step, BranchStep):
            targets = [step.if_correct, step.if_wrong]
        else:
            targets = [self.following(step_id)]
            if isinstance(step, CheckpointStep) and step.retry_step:
                targets.append(step.retry_step)
        return [target for target in targets if target and target != END]

    @property
    def asks(self) -> list[AskStep]:
        return [step for step in self.steps if isinstance(step, AskStep)]

    @property
    def runs(self) -> list[RunStep]:
        return [step for step in self.steps if isinstance(step, RunStep)]


# Every field name a lesson may use, for "did you mean" hints on unknown fields.
FIELD_NAMES = sorted({name for model in (SayStep, ChoiceAsk, ShortAsk, Option, WrongAnswer, RunStep, ChooseSpec,
                                         QuizPassed, MetricCondition, CheckpointStep, BranchStep, Lesson)
                      for name in model.model_fields})
