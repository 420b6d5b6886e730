"""The lesson format: one YAML file per lesson, checked by these pydantic models.

A lesson is a list of steps. Tutor walks them in order: each step goes to its `next` step when it
names one, else to the step below it; a `branch` jumps on a quiz result; a `checkpoint` lets the
learner on only when its condition holds (else it says `fail_text` and goes to `retry_step`).
Reaching the reserved target `end`, or falling off the last step, finishes the lesson.

The models check one file's shape. What needs more than one field (step references, reachable
steps, skill parameters, prerequisites across lessons) is checked in curriculum.validate.
"""

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from curriculum import answers
from curriculum.answers import normalize_answer, plain_dashes  # noqa: F401  (the model's own words)
from curriculum.patterns import check_pattern
from curriculum.patterns import matches as pattern_matches
from skills import registry

END = "end"  # reserved `next`/branch target: the lesson is over

# The training skills a run step may start, and the metrics each one reports in
# SkillResult.metrics (what a checkpoint may test): both read from the skills' own SkillSpecs.
LESSON_SKILLS = registry.trainers()
SKILL_METRICS: dict[str, tuple[str, ...]] = {name: registry.get(name).metrics for name in LESSON_SKILLS}
SkillName = Literal[LESSON_SKILLS]  # type: ignore[valid-type]  # an enum in the JSON Schema

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
StepId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=5000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Scalar = bool | int | float | str
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _next_field():
    return Field(default=None, description="Step id to go to next (default: the step below; "
                                           f"`{END}` finishes the lesson).")


# ---- say ---------------------------------------------------------------------------------------

class SayStep(_Strict):
    """Tutor says something (markdown), optionally with a picture."""

    type: Literal["say"]
    id: StepId
    text: Text = Field(description="What Tutor says, in markdown.")
    image: str | None = Field(default=None, description="images/<file> (a file in lessons/images/) "
                                                        "or an https:// URL.")
    next: StepId | None = _next_field()

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


# ---- ask ---------------------------------------------------------------------------------------

class Option(_Strict):
    """One answer of a multiple-choice question."""

    id: StepId = Field(description="Short id the learner may type, e.g. a, b, c (buttons show the text).")
    text: ShortText = Field(description="What the option's button shows.")
    correct: bool = False
    feedback: Text | None = Field(default=None, description="Said when the learner picks it. On a wrong "
                                                            "option: why it is wrong, never the answer.")
    synonyms: list[ShortText] = Field(default_factory=list,
                                      description="Other ways a learner may type this option, e.g. ten for 10.")

    def named_by(self, reply: str) -> bool:
        """The reply is this option's text or a synonym (digits or number words alike)."""
        wanted = normalize_answer(reply)
        return wanted in {normalize_answer(form) for form in (self.text, *self.synonyms)}

    def found_in(self, reply: str) -> bool:
        """The option's words (not a bare number) appear in a sentence: "I think only the training images"."""
        return any(answers.number(form) is None and answers.contains(reply, form)
                   for form in (self.text, *self.synonyms))


class WrongAnswer(_Strict):
    """A wrong short answer learners often give, and why it is wrong."""

    answers: list[ShortText] = Field(min_length=1, description="The wrong answers, compared like accept.")
    feedback: Text = Field(description="Why that answer is wrong; said while tries remain, so never the answer.")


class AskStep(_Strict):
    """A quiz question (shared fields of both kinds)."""

    type: Literal["ask"]
    id: StepId
    question: Text
    hints: list[ShortText] = Field(default_factory=list,
                                   description="Given one by one after wrong tries (never the answer).")
    retries: int = Field(default=1, ge=0, le=10, description="Tries allowed after the first.")
    feedback_correct: Text | None = None
    avoid: list[ShortText] = Field(default_factory=list, description=(
        "Words that give the answer away: an FAQ answer containing one is held back while this "
        "question is open (the accepted answers and the correct options are always held back)."))
    next: StepId | None = _next_field()

    def giveaways(self) -> list[str]:
        """What a text said while this question is open must not contain."""
        return list(self.avoid)


class ChoiceAsk(AskStep):
    kind: Literal["choice"]
    options: list[Option] = Field(min_length=2, max_length=10)

    def option_for(self, answer: str) -> Option | None:
        """The option a learner's reply names: its text or a synonym (what the buttons show comes
        first, so "10" is the option reading 10), its id, its number (1, 2, ...) unless the
        options are numbers, or its words found once in a sentence."""
        wanted = normalize_answer(answer)
        by_text = [option for option in self.options if option.named_by(answer)]
        if by_text:
            return by_text[0]
        numeric = any(answers.number(option.text) is not None for option in self.options)
        for number, option in enumerate(self.options, start=1):
            if wanted == normalize_answer(option.id) or (wanted == str(number) and not numeric):
                return option
        found = [option for option in self.options if option.found_in(answer)]
        return found[0] if len(found) == 1 else None

    @property
    def correct_options(self) -> list[Option]:
        return [option for option in self.options if option.correct]

    def giveaways(self) -> list[str]:
        return [form for option in self.correct_options for form in (option.text, *option.synonyms)
                if answers.number(form) is None] + list(self.avoid)


def _check_accept(item: str) -> str:
    if item.startswith("re:"):
        check_pattern(item[3:])
    elif not normalize_answer(item):
        raise ValueError(f"the accepted answer '{item}' has no letters or digits")
    return item


AcceptItem = Annotated[ShortText, AfterValidator(_check_accept)]


class ShortAsk(AskStep):
    kind: Literal["short"]
    accept: list[AcceptItem] = Field(
        min_length=1, description="Accepted answers (the first is the one shown as the answer), found "
                                  "in the reply ignoring case, spaces and punctuation; numbers and "
                                  "formulas in x compare by value; `re:<pattern>` is a regular "
                                  "expression searched in the reply.")
    synonyms: list[AcceptItem] = Field(default_factory=list,
                                       description="Other words for the answer, accepted like accept.")
    wrong_answers: list[WrongAnswer] = Field(default_factory=list, description=(
        "Wrong answers learners often give, each with why it is wrong (said while tries remain)."))
    feedback_wrong: Text | None = Field(default=None, description=(
        "Said with the answer after the last wrong try or on \"show me the answer\"; may reveal it."))

    @property
    def forms(self) -> list[str]:
        return [*self.accept, *self.synonyms]

    def accepts(self, answer: str) -> bool:
        """Whether a learner's reply gives one of `accept` or `synonyms` (curriculum.answers)."""
        spaced = " ".join(plain_dashes(answer).split())
        for item in self.forms:
            if item.startswith("re:"):
                if pattern_matches(item[3:], spaced):
                    return True
            elif answers.matches(item, answer):
                return True
        return False

    def feedback_for(self, answer: str) -> str | None:
        """Why this wrong answer is wrong, when the author foresaw it."""
        return next((wrong.feedback for wrong in self.wrong_answers
                     if any(answers.matches(item, answer) for item in wrong.answers)), None)

    def giveaways(self) -> list[str]:
        return [item for item in self.forms if not item.startswith("re:")
                and answers.number(item) is None] + list(self.avoid)


Ask = Annotated[ChoiceAsk | ShortAsk, Field(discriminator="kind")]


# ---- run ---------------------------------------------------------------------------------------

class ChooseSpec(_Strict):
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


class RunStep(_Strict):
    """Tutor runs a skill (a real training) and shows its results."""

    type: Literal["run"]
    id: StepId
    skill: SkillName = Field(description="The training skill to run.")
    params: dict[str, Any] = Field(default_factory=dict,
                                   description="Fixed parameters of the skill's Params.")
    choose: dict[str, ChooseSpec] = Field(default_factory=dict,
                                          description="Parameters the learner picks, within these bounds.")
    text: Text = Field(description="What Tutor says before running.")
    next: StepId | None = _next_field()


# ---- checkpoint --------------------------------------------------------------------------------

class QuizPassed(_Strict):
    quiz_passed: StepId = Field(description="An ask step the learner must have answered correctly.")


class MetricCondition(_Strict):
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


class CheckpointStep(_Strict):
    """The learner goes on only when the condition holds (the latest run of the skill in this
    lesson, or a quiz answered correctly); otherwise Tutor says fail_text and goes to retry_step
    (without one, the learner stays here and Tutor checks again when they want to go on)."""

    type: Literal["checkpoint"]
    id: StepId
    condition: Condition
    fail_text: Text
    retry_step: StepId | None = Field(default=None, description="Where to send the learner when "
                                                                "the condition is not met.")
    next: StepId | None = _next_field()


# ---- branch ------------------------------------------------------------------------------------

class BranchStep(_Strict):
    """Jump on a quiz result (correct within its allowed tries, or not)."""

    type: Literal["branch"]
    id: StepId
    on: StepId = Field(description="The ask step whose result decides.")
    if_correct: StepId
    if_wrong: StepId


Step = Annotated[SayStep | Ask | RunStep | CheckpointStep | BranchStep, Field(discriminator="type")]
STEP_TYPES = ("say", "ask", "run", "checkpoint", "branch")


# ---- lesson ------------------------------------------------------------------------------------

class Lesson(_Strict):
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
