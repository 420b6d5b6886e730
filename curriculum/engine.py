"""Walk a learner through a lesson: a pure state machine, no Rasa, no database.

The chat layer keeps a `Position` per learner and lesson (it is plain data, stored as JSON),
feeds it what the learner did (next, an answer, a hint request, a finished skill run) and sends
the `Turn`s it returns. Steps that need nothing from the learner (checkpoints, branches) are
taken at once; a say waits for "next", an ask for an answer, a run for its result.
"""

from dataclasses import dataclass, field
from typing import Any

from curriculum.model import (AskStep, BranchStep, CheckpointStep, ChoiceAsk, Lesson,
                              MetricCondition, RunStep, SayStep)

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
            turns.append(Turn(step.text, run={"skill": step.skill, "params": dict(step.params),
                                              "choose": {k: v.model_dump() for k, v in step.choose.items()}}))
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
    """A quiz answer, typed or clicked; wrong answers get feedback and, while retries last, a hint."""
    step = lesson.step(position.step_id) if not position.finished else None
    if not isinstance(step, AskStep):
        return [Turn("There's no question open right now. Say \"next\" to go on.")]
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
    position.step_id = lesson.following(step.id) if not isinstance(step, BranchStep) else step.if_wrong
    return present(lesson, position)


def run_finished(lesson: Lesson, position: Position, skill: str, metrics: dict[str, float]) -> list[Turn]:
    """A lesson's training finished: remember its metrics (checkpoints read them) and go on."""
    position.metrics[skill] = dict(metrics)
    step = lesson.step(position.step_id) if not position.finished else None
    if isinstance(step, RunStep) and step.skill == skill:
        position.step_id = lesson.following(step.id)
        return present(lesson, position)
    return []


def _question(step: AskStep) -> Turn:
    if isinstance(step, ChoiceAsk):
        buttons = [{"title": option.text, "payload": option.id} for option in step.options]
        return Turn(step.question, buttons)
    return Turn(step.question + "\n\n(Type your answer.)")


def _judge(step: AskStep, reply: str) -> tuple[bool, str | None]:
    if isinstance(step, ChoiceAsk):
        option = step.option_for(reply)
        if option is None:
            names = ", ".join(o.id for o in step.options)
            return False, f"I couldn't match that to an option ({names})."
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
