"""Staff API: preview a lesson, draft or published, as a learner would take it.

The page sends the lesson's text, where the preview is (the engine's Position as plain JSON, none
to start) and what the author did; it gets back the learner's messages and the new position.
It runs curriculum.engine itself, so answers are graded, hints given and branches followed
exactly as in a real lesson, and it touches no database: nothing here writes progress rows.
A run step cannot train in a preview; the author skips it (or it stays on its picks).
"""

from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import SettingsDep
from api.lesson_store import MAX_LESSON_BYTES

# Included by api/routes/lessons.py under /staff/lessons, behind its staff token check.
router = APIRouter()

Action = Literal["start", "next", "answer", "hint", "skip", "reveal"]


class PositionIn(BaseModel):
    """curriculum.state.Position as this endpoint gave it out (typed, so a made-up one gets 422)."""

    lesson_id: str = Field(max_length=128)
    step_id: str | None = Field(max_length=128)
    tries: dict[str, int] = {}
    passed: dict[str, bool] = {}
    hints: dict[str, int] = {}
    metrics: dict[str, dict[str, float]] = {}
    chosen: dict[str, str | int | float | bool] = {}
    last: dict[str, str | int | float | None] = {}


class PreviewIn(BaseModel):
    text: str = Field(max_length=MAX_LESSON_BYTES)
    action: Action = "start"
    position: PositionIn | None = None
    reply: str | None = Field(default=None, max_length=2000)
    step: str | None = Field(default=None, max_length=128, description="a clicked answer's step")
    attempt: int | None = Field(default=None, description="a clicked answer's try")


class PreviewButton(BaseModel):
    title: str
    action: str
    value: str | None
    step: str | None
    attempt: int | None


class PreviewMessage(BaseModel):
    text: str | None
    image: str | None
    buttons: list[PreviewButton]


class PreviewOut(BaseModel):
    position: dict[str, Any]
    messages: list[PreviewMessage]
    waiting: str = Field(description="next | answer | run | end (curriculum.engine.waiting_for)")
    step_id: str | None
    step_number: int | None
    total_steps: int


def _position(data: PositionIn, lesson_id: str):
    from curriculum.engine import Position

    position = Position(**data.model_dump())
    if position.lesson_id != lesson_id:
        raise HTTPException(422, "The preview position belongs to another lesson; start again.")
    return position


def _turns(body: PreviewIn, settings_dir):
    from curriculum import engine
    from curriculum.loader import parse_lesson
    from curriculum.validate import check_lesson

    # The lesson's own checks; links to other lessons (prerequisites) do not matter to a preview.
    lesson, source, errors = parse_lesson(body.text, "preview")
    if lesson is not None:
        errors = sorted(errors + check_lesson(lesson, source, settings_dir))
    if lesson is None or errors:
        first = errors[0] if errors else None
        where = f" (line {first.line}, column {first.column}: {first.message})" if first else ""
        raise HTTPException(422, f"Fix the lesson's errors to preview it{where}.")
    if body.action == "start" or body.position is None:
        position, turns = engine.start(lesson)
        return lesson, position, turns
    position = _position(body.position, lesson.id)
    if position.step_id is not None and position.step_id not in {s.id for s in lesson.steps}:
        raise HTTPException(422, f"Step {position.step_id!r} is no longer in the lesson; start again.")
    if body.action == "answer":
        if not body.reply:
            raise HTTPException(422, "An answer needs a reply.")
        turns = engine.answer(lesson, position, body.reply, step_id=body.step, try_number=body.attempt)
    else:
        turns = {"next": engine.next_step, "hint": engine.hint, "skip": engine.skip,
                 "reveal": engine.reveal}[body.action](lesson, position)
    return lesson, position, turns


@router.post("/preview", response_model=PreviewOut)
async def preview(body: PreviewIn, settings: SettingsDep) -> PreviewOut:
    """One preview turn: `start`, then `next`, `answer` (reply, and step/attempt for a clicked
    option), `hint`, `skip` or `reveal`. Works on unsaved text; stores nothing."""
    from curriculum import engine, replies

    lesson, position, turns = await run_in_threadpool(_turns, body, settings.lessons_dir)
    messages = [replies.from_turn(turn, "") for turn in turns]
    ids = [s.id for s in lesson.steps]
    return PreviewOut(
        position=asdict(position),
        messages=[PreviewMessage(text=m.text, image=m.image,
                                 buttons=[PreviewButton(title=b.title, action=b.action, value=b.value,
                                                        step=b.step, attempt=b.attempt) for b in m.buttons])
                  for m in messages],
        waiting=engine.waiting_for(lesson, position), step_id=position.step_id,
        step_number=ids.index(position.step_id) + 1 if position.step_id in ids else None,
        total_steps=len(ids))
