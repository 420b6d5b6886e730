"""Walk a learner through a lesson: a pure state machine, no Rasa, no database.

The chat layer keeps a `Position` per learner and lesson (it is plain data, stored as JSON),
feeds it what the learner did (next, an answer, a hint request, a finished skill run) and sends
the `Turn`s it returns. Steps that need nothing from the learner (checkpoints, branches) are
taken at once; a say waits for "next", an ask for an answer, a run for its result.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from curriculum.model import (
    AskStep,
    BranchStep,
    CheckpointStep,
    ChoiceAsk,
    Lesson,
    MetricCondition,
    RunStep,
    SayStep,
    normalize_answer,
    plain_dashes,
)

NEXT = "next"


@dataclass
class Position:
    """Where one learner is in one lesson, and what the lesson needs to remember."""

    lesson_id: str
    step_id: str | None  # None once the lesson is over
    tries: dict[str, int] = field(default_factory=dict)  # ask id -> answers given
    passed: dict[str, bool] = field(default_factory=dict)  # ask id -> right within its retries
    hints: dict[str, int] = field(default_factory=dict)  # ask id -> hints shown
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)  # skill -> latest run's
    chosen: dict[str, Any] = field(default_factory=dict)  # the open run step's picked parameters

    @property
    def finished(self) -> bool:
        return self.step_id is None


@dataclass
class Turn:
    """One message for the learner, plus what the chat layer must do about it."""

    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)  # {"title", "payload"}
    image: str | None = None
    run: dict[str, Any] | None = None  # {"skill", "params", "choose"}: start this training
    attempt: dict[str, Any] | None = None  # {"step", "answer", "correct"}: store this quiz try


def start(lesson: Lesson) -> tuple[Position, list[Turn]]:
    position = Position(lesson.id, lesson.steps[0].id)
    return position, present(lesson, position)


def present(lesson: Lesson, position: Position) -> list[Turn]:
    """Show the current step; steps that need no input are taken until one does."""
    turns: list[Turn] = []
    for _ in range(len(lesson.steps) + 1):  # a lesson cannot loop without waiting for input
        if position.finished:
            turns.append(Turn(f"That's the end of **{lesson.title}**. Well done!"))
            return turns
        step = lesson.step(position.step_id)
        if isinstance(step, SayStep):
            turns.append(Turn(step.text, [{"title": "Next", "payload": NEXT}], image=step.image))
            return turns
        if isinstance(step, AskStep):
            turns.append(_question(step))
            return turns
        if isinstance(step, RunStep):
            turns.append(_run_turn(step, position))
            return turns
        if isinstance(step, CheckpointStep):
            if _holds(step, position):
                position.step_id = lesson.following(step.id)
            else:
                turns.append(Turn(step.fail_text))
                if step.retry_step is None:
                    return turns
                position.step_id = step.retry_step
        elif isinstance(step, BranchStep):
            position.step_id = step.if_correct if position.passed.get(step.on) else step.if_wrong
    raise RuntimeError(f"lesson {lesson.id} loops without asking the learner anything")


def next_step(lesson: Lesson, position: Position) -> list[Turn]:
    """'next': leave a say step (other steps wait for their answer or result)."""
    if position.finished:
        return present(lesson, position)
    step = lesson.step(position.step_id)
    if isinstance(step, SayStep):
        position.step_id = lesson.following(step.id)
        return present(lesson, position)
    waiting = "an answer to the question" if isinstance(step, AskStep) else "the training's result"
    return [Turn(f"I'm waiting for {waiting}. Say \"skip\" to move on without it.")]


def answer(lesson: Lesson, position: Position, reply: str) -> list[Turn]:
    """A quiz answer, typed or clicked; wrong answers get feedback and, while retries last, a hint.
    At a run step still missing a parameter, the reply is the learner's pick."""
    step = lesson.step(position.step_id) if not position.finished else None
    if isinstance(step, RunStep) and _unchosen(step, position):
        return [_choose(step, position, reply)]
    if not isinstance(step, AskStep):
        return [Turn("There's no question open right now. Say \"next\" to go on.")]
    if isinstance(step, ChoiceAsk) and step.option_for(reply) is None:
        # Not an answer at all (a typo, a stray message): tell them, but don't use up a try.
        names = ", ".join(o.id for o in step.options)
        return [Turn(f"I couldn't match that to one of the options ({names}). Click one, or type "
                     "its letter.", _question(step).buttons)]
    position.tries[step.id] = position.tries.get(step.id, 0) + 1
    correct, feedback = _judge(step, reply)
    attempt = {"step": step.id, "answer": reply, "correct": correct, "try": position.tries[step.id]}
    if correct:
        position.passed.setdefault(step.id, True)
        position.step_id = lesson.following(step.id)
        text = feedback or step.feedback_correct or "Correct!"
        return [Turn(text, attempt=attempt), *present(lesson, position)]
    tries_left = step.retries + 1 - position.tries[step.id]
    if tries_left > 0:
        hint = _next_hint(step, position)
        text = (feedback or "Not quite.") + (f" Hint: {hint}" if hint else "") + " Try again."
        return [Turn(text, attempt=attempt)]
    position.passed[step.id] = False
    position.step_id = lesson.following(step.id)
    right = _right_answer(step)
    text = (feedback or "Not quite.") + (f" The answer is {right}." if right else "")
    return [Turn(text, attempt=attempt), *present(lesson, position)]


def hint(lesson: Lesson, position: Position) -> list[Turn]:
    step = lesson.step(position.step_id) if not position.finished else None
    if not isinstance(step, AskStep):
        return [Turn("Hints are for quiz questions, and none is open right now.")]
    text = _next_hint(step, position)
    return [Turn(f"Hint: {text}" if text else "No more hints for this one, sorry.")]


def skip(lesson: Lesson, position: Position) -> list[Turn]:
    """Move past the current step; a skipped question counts as not passed."""
    if position.finished:
        return present(lesson, position)
    step = lesson.step(position.step_id)
    if isinstance(step, AskStep):
        position.passed.setdefault(step.id, False)
    position.chosen.clear()
    position.step_id = lesson.following(step.id) if not isinstance(step, BranchStep) else step.if_wrong
    if isinstance(step, RunStep):
        # A checkpoint right after a skipped run can only test that run: skip it too, or the
        # learner would be sent straight back to the run they chose to skip.
        while position.step_id is not None:
            gate = lesson.step(position.step_id)
            if not (isinstance(gate, CheckpointStep) and isinstance(gate.condition, MetricCondition)
                    and gate.condition.skill == step.skill):
                break
            position.step_id = lesson.following(gate.id)
    return present(lesson, position)


def run_finished(lesson: Lesson, position: Position, skill: str, metrics: dict[str, float]) -> list[Turn]:
    """A lesson's training finished: remember its metrics (checkpoints read them) and go on."""
    position.metrics[skill] = dict(metrics)
    step = lesson.step(position.step_id) if not position.finished else None
    if isinstance(step, RunStep) and step.skill == skill:
        position.chosen.clear()  # a checkpoint sending the learner back asks for fresh picks
        position.step_id = lesson.following(step.id)
        return present(lesson, position)
    return []


def waiting_for(lesson: Lesson, position: Position) -> str:
    """What the lesson needs next: "next" (a say step), "answer" (a question or a parameter
    pick: the learner's next message is their reply), "run" (a training's result) or "end"."""
    if position.finished:
        return "end"
    step = lesson.step(position.step_id)
    if isinstance(step, AskStep) or (isinstance(step, RunStep) and _unchosen(step, position)):
        return "answer"
    return "run" if isinstance(step, RunStep) else "next"


def _unchosen(step: RunStep, position: Position) -> list[str]:
    return [name for name in step.choose if name not in position.chosen]


def _run_turn(step: RunStep, position: Position) -> Turn:
    """The run step's text and its first open pick, or, once everything is picked, the run."""
    missing = _unchosen(step, position)
    if missing:
        spec = step.choose[missing[0]]
        text = spec.prompt if position.chosen else f"{step.text}\n\n{spec.prompt}"
        return Turn(text, _pick_buttons(spec))
    params = {**step.params, **position.chosen}
    text = step.text if not step.choose else "Training with " + ", ".join(
        f"{name} = {value}" for name, value in position.chosen.items()) + "."
    return Turn(text, run={"skill": step.skill, "params": params, "choose": dict(position.chosen)})


def _pick_buttons(spec) -> list[dict[str, str]]:
    if spec.options is not None:
        return [{"title": str(value), "payload": str(value)} for value in spec.options]
    if spec.default is not None:
        return [{"title": f"You pick ({spec.default})", "payload": str(spec.default)}]
    return []


PICK_FOR_ME = re.compile(r"\b(you (pick|choose|decide)|default|any|whatever|dunno|don'?t know)\b", re.I)


def _choose(step: RunStep, position: Position, reply: str) -> Turn:
    """Read the learner's value for the first open parameter; out of bounds gets the bounds."""
    name = _unchosen(step, position)[0]
    spec = step.choose[name]
    value: Any = None
    if spec.options is not None:
        wanted = normalize_answer(reply)
        value = next((v for v in spec.options if normalize_answer(str(v)) == wanted), None)
        if value is None and PICK_FOR_ME.search(reply):
            value = spec.default if spec.default is not None else spec.options[0]
        if value is None:
            return Turn(f"Please pick one of: {', '.join(map(str, spec.options))}.", _pick_buttons(spec))
    else:
        number = re.search(r"-?\d+(?:\.\d+)?", plain_dashes(reply))
        if number is None and PICK_FOR_ME.search(reply) and spec.default is not None:
            value = spec.default
        elif number is None:
            return Turn(f"Please give a number from {spec.min:g} to {spec.max:g}.", _pick_buttons(spec))
        else:
            value = float(number.group())
            if not spec.min <= value <= spec.max:
                return Turn(f"{value:g} is outside what this lesson allows: pick a number from "
                            f"{spec.min:g} to {spec.max:g}.", _pick_buttons(spec))
            if isinstance(spec.min, int) and isinstance(spec.max, int):
                if value != int(value):
                    return Turn(f"{name} needs a whole number from {spec.min} to {spec.max}.",
                                _pick_buttons(spec))
                value = int(value)
    position.chosen[name] = value
    return _run_turn(step, position)


def _question(step: AskStep) -> Turn:
    if isinstance(step, ChoiceAsk):
        buttons = [{"title": option.text, "payload": option.id} for option in step.options]
        return Turn(step.question, buttons)
    return Turn(step.question + "\n\n(Type your answer.)")


def _judge(step: AskStep, reply: str) -> tuple[bool, str | None]:
    if isinstance(step, ChoiceAsk):
        option = step.option_for(reply)  # answer() has checked it names an option
        return option.correct, option.feedback
    return step.accepts(reply), (None if step.accepts(reply) else step.feedback_wrong)


def _next_hint(step: AskStep, position: Position) -> str | None:
    shown = position.hints.get(step.id, 0)
    if shown >= len(step.hints):
        return None
    position.hints[step.id] = shown + 1
    return step.hints[shown]


def _right_answer(step: AskStep) -> str | None:
    if isinstance(step, ChoiceAsk):
        return " / ".join(f"**{o.text}**" for o in step.correct_options) or None
    plain = [a for a in step.accept if not a.startswith("re:")]
    return f"**{plain[0]}**" if plain else None


def _holds(step: CheckpointStep, position: Position) -> bool:
    condition = step.condition
    if isinstance(condition, MetricCondition):
        metrics = position.metrics.get(condition.skill)
        return metrics is not None and condition.metric in metrics and condition.holds(metrics)
    return bool(position.passed.get(condition.quiz_passed))
