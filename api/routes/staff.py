"""Staff API: what course staff need to see. The questions Tutor could not answer, every learner's
progress, the per-lesson funnel and how hard each quiz question is (reports in curriculum.reports).

`/staff-ui` (page_router, no token) serves the static staff page, which holds no data: it asks for
the staff token and calls the token-protected routes here from the browser.
"""

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from api.deps import LessonsDep, SessionDep, SettingsDep, StaffDep, StaffName
from curriculum import reports
from db import audit
from db import repository as repo

router = APIRouter(prefix="/staff", tags=["staff"], dependencies=[StaffDep])
page_router = APIRouter(tags=["staff"])

STATIC = Path(__file__).resolve().parent.parent / "static"
PAGE_FILES = {"staff.js": "text/javascript", "staff.css": "text/css", "staff_api.js": "text/javascript",
              "staff_inbox.js": "text/javascript", "staff_reports.js": "text/javascript",
              "dom.js": "text/javascript"}
# The lesson studio, built by esbuild from web/src/staff/ (`make web`) into web/dist/.
BUNDLE_FILES = {"staff-editor.js": "text/javascript", "staff-editor.css": "text/css",
                "staff-editor.js.map": "application/json", "staff-editor.css.map": "application/json"}
# The page's script and style are files of its own, so the browser may refuse any inline script:
# even an escaping mistake could not run code next to the staff token.
PAGE_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
                "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
                                           "connect-src 'self'; img-src 'self'; base-uri 'none'; "
                                           "form-action 'none'; frame-ancestors 'none'"}


class UnansweredOut(BaseModel):
    id: int
    text: str
    best_guess: str | None
    score: float | None
    conversation_id: str
    channel: str | None
    created_at: datetime


class _Report(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # built from curriculum.reports' dataclasses


class LessonStateOut(_Report):
    lesson_id: str
    title: str | None = Field(description="None when the lesson is no longer in the lessons folder.")
    status: str = Field(description="active | paused | quit | completed")
    step_id: str | None = Field(description="The current step; None once finished.")
    step_number: int | None = Field(description="1-based position of step_id in the lesson; None "
                                                "when finished or the step no longer exists.")
    total_steps: int | None
    started_at: datetime
    updated_at: datetime
    completed_at: datetime | None = Field(description="Stays set when the learner takes the "
                                                      "lesson again.")
    quiz_attempts: int = Field(description="Every answer to the lesson's questions, every run.")
    first_try_correct: int = Field(description="Questions whose first ever answer was right.")


class LearnerProgressOut(_Report):
    id: int
    public_id: str = Field(description="Opens the learner's chart: /progress/{public_id}/chart.png")
    channel: str
    external_id: str
    created_at: datetime
    trainings: int = Field(description="Trainings (jobs) the learner asked for.")
    lessons: list[LessonStateOut] = Field(description="Lessons the learner touched, course order.")


class DropOffOut(_Report):
    step_id: str
    step_number: int | None = Field(description="None: the step is no longer in the lesson.")
    type: str | None = Field(description="say | ask | run | checkpoint | branch")
    learners: int = Field(description="Learners who have not completed the lesson and are here.")


class LessonFunnelOut(_Report):
    lesson_id: str
    title: str
    steps: int
    started: int = Field(description="completed + in_progress + quit")
    completed: int = Field(description="Learners who completed it (also those taking it again).")
    in_progress: int = Field(description="Active or paused, never completed.")
    quit: int = Field(description="Quit, never completed.")
    drop_off: list[DropOffOut] = Field(description="Where learners who have not completed it are, "
                                                   "in step order.")
    top_drop_off_step: str | None


class QuestionDifficultyOut(_Report):
    lesson_id: str
    lesson_title: str
    step_id: str
    question: str
    learners: int = Field(description="Distinct learners who answered.")
    first_try_correct_pct: float | None = Field(
        description="0-100: learners whose first ever answer was right; None when nobody answered.")
    mean_attempts: float | None = Field(description="Answers per learner, over every run.")
    median_seconds: float | None = Field(description="Median seconds to the first answer.")


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


@router.get("/learners", response_model=list[LearnerProgressOut])
def learners(session: SessionDep, lessons: LessonsDep,
             limit: Annotated[int, Query(ge=1, le=500)] = 50,
             offset: Annotated[int, Query(ge=0)] = 0) -> list[LearnerProgressOut]:
    """Learners who started a lesson or asked for a training, newest first: their trainings and,
    per lesson they touched, status, current step (`step_number` of `total_steps`), dates, quiz
    attempts and questions right on the first try."""
    return [LearnerProgressOut.model_validate(item)
            for item in reports.learners_progress(session, lessons, limit, offset)]


@router.get("/funnel", response_model=list[LessonFunnelOut])
def funnel(session: SessionDep, lessons: LessonsDep) -> list[LessonFunnelOut]:
    """Per lesson in course order: started = completed + in_progress + quit (a learner who
    completed a lesson counts as completed even while taking it again), and the steps where
    learners who have not completed it are (`drop_off`, in step order)."""
    return [LessonFunnelOut.model_validate(item) for item in reports.funnel(session, lessons)]


@router.get("/questions", response_model=list[QuestionDifficultyOut])
def questions(session: SessionDep, lessons: LessonsDep) -> list[QuestionDifficultyOut]:
    """Every quiz question, hardest first: the share (0-100) of learners whose first ever answer
    was right (unanswered questions last), attempts per learner, median seconds to first answer."""
    return [QuestionDifficultyOut.model_validate(item)
            for item in reports.question_difficulty(session, lessons)]


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    staff: str
    action: str = Field(description="create | publish | revert | delete | answer | dismiss | reply ...")
    target: str = Field(description="what it acted on, e.g. lesson:hello-neuron")
    detail: dict[str, Any]


class AuditPage(BaseModel):
    total: int
    entries: list[AuditOut]


class MeOut(BaseModel):
    name: str


@router.get("/me", response_model=MeOut)
def me(staff: StaffName) -> MeOut:
    """The account the token belongs to (the page shows who is signed in)."""
    return MeOut(name=staff)


@router.get("/audit", response_model=AuditPage)
def audit_log(session: SessionDep, limit: Annotated[int, Query(ge=1, le=200)] = 50,
              offset: Annotated[int, Query(ge=0)] = 0) -> AuditPage:
    """Every staff write, newest first, one page at a time."""
    entries, total = audit.recent(session, limit, offset)
    return AuditPage(total=total, entries=[AuditOut.model_validate(e) for e in entries])


@page_router.get("/staff-ui", response_class=FileResponse)
def staff_page() -> FileResponse:
    """The staff page (static HTML; the data comes from the /staff API with the token)."""
    return FileResponse(STATIC / "staff.html", media_type="text/html", headers=PAGE_HEADERS)


@page_router.get("/staff-ui/{name}", response_class=FileResponse)
def staff_page_file(name: str, settings: SettingsDep) -> FileResponse:
    if name in BUNDLE_FILES:
        path, media_type = settings.web_dir / "dist" / name, BUNDLE_FILES[name]
        if not path.is_file():
            raise HTTPException(404, "The lesson studio is not built; run `make web`.")
        return FileResponse(path, media_type=media_type, headers=PAGE_HEADERS)
    if name not in PAGE_FILES or not (STATIC / name).is_file():
        raise HTTPException(status_code=404, detail="No such file.")
    return FileResponse(STATIC / name, media_type=PAGE_FILES[name], headers=PAGE_HEADERS)
