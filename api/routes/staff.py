"""Staff API: what course staff need to see. For now, the questions Tutor could not answer."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import SessionDep, StaffDep
from db import repository as repo

router = APIRouter(prefix="/staff", tags=["staff"], dependencies=[StaffDep])


class UnansweredOut(BaseModel):
    id: int
    text: str
    best_guess: str | None
    score: float | None
    conversation_id: str
    channel: str | None
    created_at: datetime


@router.get("/unanswered", response_model=list[UnansweredOut])
def unanswered(session: SessionDep, limit: Annotated[int, Query(ge=1, le=500)] = 100,
               offset: Annotated[int, Query(ge=0)] = 0) -> list[UnansweredOut]:
    """Questions the FAQ brain was not sure about, newest first, with its closest guess."""
    return [
        UnansweredOut(id=q.id, text=q.text, best_guess=q.best_guess, score=q.score,
                      conversation_id=q.conversation_id,
                      channel=q.learner.channel if q.learner else None, created_at=q.created_at)
        for q in repo.list_unanswered(session, limit, offset)
    ]
