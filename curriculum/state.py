"""The plain data a lesson turn reads and writes: a learner's Position and the engine's Turns
(kept apart from curriculum.engine so the step helpers beside it can use them too)."""

from dataclasses import dataclass, field
from typing import Any

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
    # The last answer or pick taken: {"step", "try", "answer" (normalised), "at" (epoch seconds)},
    # so the same click or message arriving twice is taken once.
    last: dict[str, Any] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.step_id is None


@dataclass
class Turn:
    """One message for the learner, plus what the chat layer must do about it."""

    text: str
    # {"title", "payload"}; an answer button also names its "step" and "try" (one click, one try)
    buttons: list[dict[str, Any]] = field(default_factory=list)
    image: str | None = None
    run: dict[str, Any] | None = None  # {"skill", "params", "choose"}: start this training
    attempt: dict[str, Any] | None = None  # {"step", "answer", "correct", "try"}: store this quiz try
