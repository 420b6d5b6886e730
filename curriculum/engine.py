"""Walk a learner through a lesson: a pure state machine, no Rasa, no database.

The chat layer keeps a `Position` per learner and lesson (it is plain data, stored as JSON),
feeds it what the learner did (next, an answer, a hint request, a finished skill run) and sends
the `Turn`s it returns. Steps that need nothing from the learner (checkpoints, branches) are
taken at once; a say waits for "next", an ask for an answer, a run for its result.
"""

import re
from typing import Any

from curriculum import answers, picks
from curriculum.model import (
    AskStep,
    BranchStep,
    CheckpointStep,
    ChoiceAsk,
    Lesson,
    MetricCondition,
    RunStep,
    SayStep,
    ShortAsk,
    normalize_answer,
)
from curriculum.state import NEXT, Position, Turn

__all__ = ["NEXT", "Position", "Turn", "answer", "hint", "next_step", "present", "reveal",
           "run_finished", "skip", "start", "waiting_for"]

# The same typed answer again within this many seconds is the same message sent twice.
DUPLICATE_SECONDS = 5.0
REVEAL = re.compile(r"\b(?:(?:show|tell|give)\s+(?:me\s+)?(?:the\s+|your\s+)?(?:right\s+|correct\s+)?"
                    r"answer|what(?:'?s|\s+is)\s+the\s+(?:right\s+|correct\s+)?answer|i\s+give\s+up|"
                    r"reveal\s+(?:it|the\s+answer))\b", re.I)


def asks_for_answer(text: str) -> bool:
    """"show me the answer", "I give up": the learner wants the answer now."""
    return REVEAL.search(text) is not None


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
            turns.append(_question(step, position))
            return turns
        if isinstance(step, RunStep):
            turns.append(picks.run_turn(step, position))
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
    if isinstance(step, RunStep):
        # At a pick, "next" takes the default its button shows; once all is picked, the step
        # starts its training (the chat side never lets it start a second one while one runs).
        missing = picks.unchosen(step, position)
        if missing:
            return [_pick(step, position, "next", None)]
        return present(lesson, position)
    return [Turn("I'm waiting for an answer to the question. Say \"hint\", \"show me the "
                 "answer\" or \"skip\".", _question(step, position).buttons)]


def answer(lesson: Lesson, position: Position, reply: str, *, step_id: str | None = None,
           try_number: int | None = None, now: float | None = None) -> list[Turn]:
    """A quiz answer, typed or clicked; at a run step still missing a parameter, the learner's
    pick. A click names its step and try, and `now` times typed replies, so the same answer
    arriving twice is taken once. While tries remain a wrong answer gets why it is wrong and the
    next hint, never the answer; the answer comes after the last try or when asked for."""
    step = lesson.step(position.step_id) if not position.finished else None
    repeated = _repeated(lesson, position, step, reply, step_id, try_number, now)
    if repeated is not None:
        return repeated
    if isinstance(step, RunStep) and picks.unchosen(step, position):
        return [_pick(step, position, reply, now)]
    if not isinstance(step, AskStep):
        return [Turn("There's no question open right now. Say \"next\" to go on.")]
    if asks_for_answer(reply):
        return reveal(lesson, position)
    if isinstance(step, ChoiceAsk) and step.option_for(reply) is None:
        # Not an answer at all (a typo, a stray message): tell them, but don't use up a try.
        labels = ", ".join(f"**{o.text}**" for o in step.options[:-1]) + f" or **{step.options[-1].text}**"
        return [Turn(f"I couldn't match that to one of the options: {labels}. Click one, or type "
                     "it.", _question(step, position).buttons)]
    position.tries[step.id] = position.tries.get(step.id, 0) + 1
    _remember(position, step.id, position.tries[step.id], reply, now)
    correct, feedback = _judge(step, reply)
    attempt = {"step": step.id, "answer": reply, "correct": correct, "try": position.tries[step.id]}
    if correct:
        position.passed.setdefault(step.id, True)
        position.step_id = lesson.following(step.id)
        text = feedback or step.feedback_correct or "Correct!"
        return [Turn(text, attempt=attempt), *present(lesson, position)]
    tries_left = step.retries + 1 - position.tries[step.id]
    if tries_left > 0:
        hint_text = _next_hint(step, position)
        text = (feedback or "Not quite.") + (f" Hint: {hint_text} Try again." if hint_text else
                                             " Try again, or say \"show me the answer\".")
        # The reveal as a button too (it answers this try, so a double click reveals once).
        reveal_button = {"title": "Show me the answer", "payload": "show me the answer", "step": step.id,
                         "try": _try_of(step, position)}
        return [Turn(text, [*_question(step, position).buttons, reveal_button], attempt=attempt)]
    position.passed[step.id] = False
    position.step_id = lesson.following(step.id)
    text = " ".join(part for part in (feedback or "Not quite.", _answer_text(step)) if part)
    return [Turn(text, attempt=attempt), *present(lesson, position)]


def reveal(lesson: Lesson, position: Position) -> list[Turn]:
    """"Show me the answer": the answer and its explanation; the question counts as not passed."""
    step = lesson.step(position.step_id) if not position.finished else None
    if not isinstance(step, AskStep):
        return [Turn("There's no question open right now, so there's no answer to show.")]
    position.passed.setdefault(step.id, False)
    position.step_id = lesson.following(step.id)
    return [Turn(_answer_text(step) or "This one has no single answer to show."), *present(lesson, position)]


def hint(lesson: Lesson, position: Position) -> list[Turn]:
    step = lesson.step(position.step_id) if not position.finished else None
    if not isinstance(step, AskStep):
        return [Turn("Hints are for quiz questions, and none is open right now.")]
    text = _next_hint(step, position)
    return [Turn(f"Hint: {text}" if text else "No more hints for this one. Have a try, or say "
                                              "\"show me the answer\".")]


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
    return picks.unchosen(step, position)


def _pick(step: RunStep, position: Position, reply: str, now: float | None) -> Turn:
    pick = picks.pick_number(position)
    turn = picks.choose(step, position, reply)
    if picks.pick_number(position) > pick:
        _remember(position, step.id, pick, reply, now)
    return turn


def _remember(position: Position, step_id: str, try_number: int, reply: str, now: float | None) -> None:
    position.last = {"step": step_id, "try": try_number, "answer": normalize_answer(reply), "at": now}


def _repeated(lesson: Lesson, position: Position, step: Any, reply: str, step_id: str | None,
              try_number: int | None, now: float | None) -> list[Turn] | None:
    """The turn for an answer that was already taken (a double click, a message sent twice), or
    a click on a question that is closed; None for an answer to take."""
    last = position.last or {}
    same = last.get("answer") == normalize_answer(reply)
    once = [Turn("(That answer came twice; I counted it once.)")]
    if step_id is not None:
        if same and last.get("step") == step_id and (try_number is None or last.get("try") == try_number):
            return once
        if step_id != position.step_id:
            return [Turn("That button belongs to a question we've already left. Here's where we are:"),
                    *present(lesson, position)]
        return None
    if same and now is not None and last.get("at") is not None and now - last["at"] < DUPLICATE_SECONDS:
        return once
    return None


def _try_of(step: Any, position: Position) -> int:
    """The try the learner's next answer to this step would be (a pick's number at a run step)."""
    if isinstance(step, RunStep):
        return picks.pick_number(position)
    return position.tries.get(step.id, 0) + 1


def _question(step: AskStep, position: Position) -> Turn:
    if isinstance(step, ChoiceAsk):
        context = {"step": step.id, "try": _try_of(step, position)}
        buttons = [{"title": option.text, "payload": option.id, **context} for option in step.options]
        return Turn(step.question, buttons)
    return Turn(step.question + "\n\n(Type your answer.)")


def _judge(step: AskStep, reply: str) -> tuple[bool, str | None]:
    """(right, what to say about this answer): a wrong option's or foreseen wrong answer's
    feedback says why it is wrong; `feedback_wrong` waits for the answer's reveal."""
    if isinstance(step, ChoiceAsk):
        option = step.option_for(reply)  # answer() has checked it names an option
        return option.correct, option.feedback
    assert isinstance(step, ShortAsk)
    if step.accepts(reply):
        return True, None
    return False, step.feedback_for(reply)


def _next_hint(step: AskStep, position: Position) -> str | None:
    shown = position.hints.get(step.id, 0)
    if shown >= len(step.hints):
        return None
    position.hints[step.id] = shown + 1
    return step.hints[shown]


def _right_answer(step: AskStep) -> str | None:
    if isinstance(step, ChoiceAsk):
        return " / ".join(f"**{o.text}**" for o in step.correct_options) or None
    assert isinstance(step, ShortAsk)
    plain = [a for a in step.accept if not a.startswith("re:")]
    return f"**{plain[0]}**" if plain else None


def _answer_text(step: AskStep) -> str:
    """The answer as revealed: "The answer is ..." and the explanation (`feedback_wrong`),
    without saying the answer twice when the explanation already does."""
    right = _right_answer(step)
    explanation = step.feedback_wrong if isinstance(step, ShortAsk) else None
    forms = step.forms if isinstance(step, ShortAsk) else [o.text for o in step.correct_options]
    if explanation and any(answers.reveals(explanation, form) for form in forms if not form.startswith("re:")):
        return explanation
    return " ".join(part for part in ((f"The answer is {right}." if right else None), explanation) if part)


def _holds(step: CheckpointStep, position: Position) -> bool:
    condition = step.condition
    if isinstance(condition, MetricCondition):
        metrics = position.metrics.get(condition.skill)
        return metrics is not None and condition.metric in metrics and condition.holds(metrics)
    return bool(position.passed.get(condition.quiz_passed))
