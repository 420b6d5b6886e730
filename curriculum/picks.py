"""A run step's parameter picks: the prompt with its buttons, and reading the learner's value.

"next", "ok" or "go" at a prompt take the default its button shows (issue 16: "Next" at the
epochs prompt used to answer "I'm waiting for the training's result" for a training that had
not started).
"""

import re
from typing import Any

from curriculum.answers import plain_dashes
from curriculum.model import ChooseSpec, RunStep, normalize_answer
from curriculum.state import Position, Turn

PICK_FOR_ME = re.compile(r"\b(you (pick|choose|decide)|default|any|whatever|dunno|don'?t know|next|ok|okay|"
                         r"go|sure|yes|yep|fine|continue|sounds good)\b", re.I)


def unchosen(step: RunStep, position: Position) -> list[str]:
    return [name for name in step.choose if name not in position.chosen]


def run_turn(step: RunStep, position: Position) -> Turn:
    """The run step's text and its first open pick, or, once everything is picked, the run."""
    missing = unchosen(step, position)
    if missing:
        spec = step.choose[missing[0]]
        text = spec.prompt if position.chosen else f"{step.text}\n\n{spec.prompt}"
        return Turn(text, buttons(spec, step, position))
    params = {**step.params, **position.chosen}
    text = step.text if not step.choose else "Training with " + ", ".join(
        f"{name} = {value}" for name, value in position.chosen.items()) + "."
    return Turn(text, run={"skill": step.skill, "params": params, "choose": dict(position.chosen)})


def pick_number(position: Position) -> int:
    """Which pick of the step the next reply is (1-based): a click carries it as its try."""
    return len(position.chosen) + 1


def buttons(spec: ChooseSpec, step: RunStep, position: Position) -> list[dict[str, Any]]:
    context = {"step": step.id, "try": pick_number(position)}
    if spec.options is not None:
        return [{"title": str(value), "payload": str(value), **context} for value in spec.options]
    if spec.default is not None:
        return [{"title": f"You pick ({spec.default})", "payload": str(spec.default), **context}]
    return []


def default_of(spec: ChooseSpec) -> Any:
    """The value "you pick" or "next" takes: the default the button shows (the first option of
    a list without one); None for a range without a default."""
    if spec.default is not None:
        return spec.default
    return spec.options[0] if spec.options is not None else None


def choose(step: RunStep, position: Position, reply: str) -> Turn:
    """Read the learner's value for the first open parameter; out of bounds gets the bounds."""
    name = unchosen(step, position)[0]
    spec = step.choose[name]
    value: Any = None
    again = buttons(spec, step, position)
    if spec.options is not None:
        wanted = normalize_answer(reply)
        value = next((v for v in spec.options if normalize_answer(str(v)) == wanted), None)
        if value is None and PICK_FOR_ME.search(reply):
            value = default_of(spec)
        if value is None:
            return Turn(f"Please pick one of: {', '.join(map(str, spec.options))}.", again)
    else:
        number = re.search(r"-?\d+(?:\.\d+)?", plain_dashes(reply))
        if number is None and PICK_FOR_ME.search(reply) and spec.default is not None:
            value = spec.default
        elif number is None:
            return Turn(f"Please give a number from {spec.min:g} to {spec.max:g}.", again)
        else:
            value = float(number.group())
            if not spec.min <= value <= spec.max:
                return Turn(f"{value:g} is outside what this lesson allows: pick a number from "
                            f"{spec.min:g} to {spec.max:g}.", again)
            if isinstance(spec.min, int) and isinstance(spec.max, int):
                if value != int(value):
                    return Turn(f"{name} needs a whole number from {spec.min} to {spec.max}.", again)
                value = int(value)
    position.chosen[name] = value
    return run_turn(step, position)
