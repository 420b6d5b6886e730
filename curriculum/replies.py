"""What a lesson turn says, in words any channel can show: messages, buttons and the reply.

Lessons run in the web widget and in Slack, behind Rasa today, so nothing here names an intent
or a payload string. A button says what clicking it means (`action`, and `value` for the lesson
or the answer it carries); the chat side (actions/lessons.py) turns that into the message its
channel sends back on a click, so a click never depends on language understanding.
"""

import re
from dataclasses import dataclass, field
from typing import Literal

from curriculum.engine import NEXT, Turn
from tutor.payloads import JobCard, LessonState

# What a click asks for. start_lesson carries a lesson id, answer an option id or a parameter pick.
ButtonAction = Literal["start_lesson", "list_lessons", "next", "repeat", "skip", "answer"]


@dataclass(frozen=True)
class Button:
    title: str
    action: ButtonAction
    value: str | None = None
    # An answer button names the question (step id) and the try it answers, so a second click
    # on it is recognised as the same answer (issue 16: a double click used up both tries).
    step: str | None = None
    attempt: int | None = None


@dataclass
class Message:
    """One chat message; `data` is a typed payload of the chat contract (tutor/payloads.py)."""

    text: str | None = None
    buttons: list[Button] = field(default_factory=list)
    image: str | None = None
    data: JobCard | LessonState | None = None  # a job just queued, the lesson's state


@dataclass
class Reply:
    messages: list[Message]
    asking: bool = False  # the learner's next message answers an open question or pick


# A line that starts a table row, quote, heading, list item or code fence (inline `code` at the
# start of a wrapped line is prose).
STRUCTURE = re.compile(r"^\s*([|>#]|[-*+]\s|\d+[.)]\s|```)")
KEEPS_LINES = re.compile(r"^\s*(\||```)")  # tables and code: every line break is meant
ITEM = re.compile(r"^\s*([-*+]\s|\d+[.)]\s)")


def reflow(text: str) -> str:
    """Join the hard-wrapped lines of a lesson's plain paragraphs (YAML `|` blocks keep the
    author's line breaks, which chat would show as ragged lines) and of its list items (a wrapped
    bullet's next line joins it); tables, quotes, headings and code keep theirs."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.split("\n")
        if any(KEEPS_LINES.match(line) for line in lines):
            blocks.append(block)
        elif any(ITEM.match(line) for line in lines):
            joined: list[str] = []
            for line in lines:
                if joined and not STRUCTURE.match(line):
                    joined[-1] += " " + line.strip()  # a wrapped item's continuation
                else:
                    joined.append(line.rstrip())
            blocks.append("\n".join(joined))
        elif any(STRUCTURE.match(line) for line in lines):
            blocks.append(block)
        else:
            blocks.append(" ".join(line.strip() for line in lines))
    return "\n\n".join(blocks)


def from_turn(turn: Turn, public_base_url: str) -> Message:
    """An engine turn as a message: paragraphs reflowed, lesson images as URLs of the API's
    /lesson-images route, and the engine's {"title", "payload"} buttons as Buttons ("next" or the
    answer they give)."""
    buttons = [Button(b["title"], "next") if b["payload"] == NEXT else
               Button(b["title"], "answer", b["payload"], b.get("step"), b.get("try"))
               for b in turn.buttons]
    image = turn.image
    if image and image.startswith("images/"):
        image = f"{public_base_url.rstrip('/')}/lesson-images/{image.removeprefix('images/')}"
    return Message(reflow(turn.text), buttons, image=image)
