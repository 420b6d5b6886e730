"""Staff API for lesson files: list, read, create, replace and delete, each write checked by the
same validator as `make lessons-check` (errors come back with their line and column), so a
broken lesson never reaches learners. Files live in TUTOR_LESSONS_DIR as <id>.yml.

Reading the body is async; validating and writing run in the thread pool (as FastAPI runs a
plain `def` route), so a long validation never stalls the API's event loop (issue 14)."""

import os
import tempfile
import threading
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api.deps import SettingsDep, StaffDep

router = APIRouter(prefix="/staff/lessons", tags=["staff: lessons"], dependencies=[StaffDep])

MAX_LESSON_BYTES = 200_000
YAML_BODY = {"requestBody": {"required": True, "content": {"application/yaml": {
    "schema": {"type": "string"}, "example": "id: my-lesson\ntitle: ...\nsteps: [...]\n"}}}}
_writes = threading.Lock()  # one writer at a time: validation sees the folder it replaces into


class LessonSummary(BaseModel):
    id: str
    title: str
    chapters: list[int]
    prerequisites: list[str]
    minutes: int
    steps: int
    quizzes: int
    file: str


class LessonText(BaseModel):
    id: str
    file: str
    text: str


def _current(folder: Path):
    """The lessons on disk by id, with their files; a folder with errors still lists the good ones."""
    from curriculum.loader import parse_lesson
    from curriculum.validate import lesson_files

    files = {}
    for path in lesson_files(folder):
        lesson, _, _ = parse_lesson(path.read_text(encoding="utf-8"), path.name)
        if lesson is not None:
            files[lesson.id] = (lesson, path)
    return files


def _summary(lesson, path: Path) -> LessonSummary:
    return LessonSummary(id=lesson.id, title=lesson.title, chapters=list(lesson.chapters),
                         prerequisites=list(lesson.prerequisites), minutes=lesson.minutes,
                         steps=len(lesson.steps), quizzes=len(lesson.asks), file=path.name)


async def _body(request: Request) -> str:
    raw = await request.body()
    if len(raw) > MAX_LESSON_BYTES:
        raise HTTPException(413, f"A lesson file can be at most {MAX_LESSON_BYTES:,} bytes.")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "The lesson must be UTF-8 text (YAML).") from None


def _validated(text: str, filename: str, folder: Path, replaces: str | None):
    from curriculum.validate import parse_and_validate

    known = {lesson_id: lesson for lesson_id, (lesson, _) in _current(folder).items()}
    lesson, errors = parse_and_validate(text, filename, known, replaces=replaces, lessons_dir=folder)
    if errors:
        raise HTTPException(422, {"message": "The lesson has errors; nothing was saved.",
                                  "errors": [{"line": e.line, "column": e.column, "message": e.message,
                                              "text": str(e)} for e in errors]})
    return lesson


def _write(path: Path, text: str) -> None:
    """Write-then-rename, so a learner's turn never reads half a file."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                     suffix=".tmp") as handle:
        handle.write(text)
    os.replace(handle.name, path)


@router.get("", response_model=list[LessonSummary])
def list_lessons(settings: SettingsDep) -> list[LessonSummary]:
    return [_summary(lesson, path) for lesson, path in _current(settings.lessons_dir).values()]


@router.get("/{lesson_id}", response_model=LessonText)
def read_lesson(lesson_id: str, settings: SettingsDep) -> LessonText:
    found = _current(settings.lessons_dir).get(lesson_id)
    if found is None:
        raise HTTPException(404, f"No lesson {lesson_id!r}.")
    return LessonText(id=lesson_id, file=found[1].name, text=found[1].read_text(encoding="utf-8"))


@router.post("", status_code=201, response_model=LessonSummary, openapi_extra=YAML_BODY)
async def create_lesson(request: Request, settings: SettingsDep) -> LessonSummary:
    return await run_in_threadpool(_create, await _body(request), settings.lessons_dir)


def _create(text: str, folder: Path) -> LessonSummary:
    with _writes:
        lesson = _validated(text, "new lesson", folder, replaces=None)
        path = folder / f"{lesson.id}.yml"
        if path.exists():
            raise HTTPException(409, f"A file {path.name} already exists.")
        _write(path, text)
    return _summary(lesson, path)


@router.put("/{lesson_id}", response_model=LessonSummary, openapi_extra=YAML_BODY)
async def replace_lesson(lesson_id: str, request: Request, settings: SettingsDep) -> LessonSummary:
    return await run_in_threadpool(_replace, lesson_id, await _body(request), settings.lessons_dir)


def _replace(lesson_id: str, text: str, folder: Path) -> LessonSummary:
    with _writes:
        found = _current(folder).get(lesson_id)
        if found is None:
            raise HTTPException(404, f"No lesson {lesson_id!r}; POST creates one.")
        lesson = _validated(text, found[1].name, folder, replaces=lesson_id)
        if lesson.id != lesson_id:
            raise HTTPException(422, f"The file says id {lesson.id!r} but the URL says {lesson_id!r}.")
        _write(found[1], text)
    return _summary(lesson, found[1])


@router.delete("/{lesson_id}", status_code=204)
def delete_lesson(lesson_id: str, settings: SettingsDep) -> Response:
    with _writes:
        current = _current(settings.lessons_dir)
        if lesson_id not in current:
            raise HTTPException(404, f"No lesson {lesson_id!r}.")
        needed_by = sorted(other for other, (lesson, _) in current.items()
                           if lesson_id in lesson.prerequisites)
        if needed_by:
            raise HTTPException(409, f"{', '.join(needed_by)} list {lesson_id!r} as a prerequisite; "
                                     "change them first.")
        current[lesson_id][1].unlink()
    return Response(status_code=204)
