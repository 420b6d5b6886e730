"""Staff API for lesson files: list, read, validate, create, publish (replace), delete, and the
versions of each. Every write is checked by the same validator as `make lessons-check` (errors
come back with their line and column), so a broken lesson never reaches learners; the page's
editor calls `POST /staff/lessons/validate` as the author types, so it marks the same errors.

Publishing is optimistic: reading a lesson returns its ETag (a hash of the file's text) and a
replace must send it back as If-Match. When the file changed in between (another author
published), the replace gets 409 with who published and when, never a silent overwrite.
Every publish is kept in `lesson_versions` and written to the audit log (db/audit.py).

Reading the body is async; validating and writing run in the thread pool (as FastAPI runs a
plain `def` route), so a long validation never stalls the API's event loop (issue 14)."""

from pathlib import Path

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api import lesson_store as store
from api.deps import SessionDep, SettingsDep, StaffDep, StaffName
from api.lesson_store import MAX_LESSON_BYTES, LessonSummary, etag_of
from api.routes import lesson_preview, lesson_versions
from db import audit
from db import lesson_versions as versions

router = APIRouter(prefix="/staff/lessons", tags=["staff: lessons"], dependencies=[StaffDep])

YAML_BODY = {"requestBody": {"required": True, "content": {"application/yaml": {
    "schema": {"type": "string"}, "example": "id: my-lesson\ntitle: ...\nsteps: [...]\n"}}}}


class LessonText(BaseModel):
    id: str
    file: str
    text: str
    etag: str


class LessonError(BaseModel):
    line: int
    column: int
    message: str
    text: str


class Validation(BaseModel):
    ok: bool
    id: str | None
    errors: list[LessonError]


async def _body(request: Request) -> str:
    raw = await request.body()
    if len(raw) > MAX_LESSON_BYTES:
        raise HTTPException(413, f"A lesson file can be at most {MAX_LESSON_BYTES:,} bytes.")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "The lesson must be UTF-8 text (YAML).") from None


@router.get("", response_model=list[LessonSummary])
def list_lessons(settings: SettingsDep) -> list[LessonSummary]:
    return [store.summary(lesson, path) for lesson, path in store.current(settings.lessons_dir).values()]


@router.post("/validate", response_model=Validation, openapi_extra=YAML_BODY)
async def validate_lesson(request: Request, settings: SettingsDep, replaces: str | None = None) -> Validation:
    """Check a text without saving it (the editor, as the author types). `replaces`: the id of
    the lesson being edited, so its own id does not count as taken."""
    text = await _body(request)

    def run() -> Validation:
        found = store.current(settings.lessons_dir).get(replaces) if replaces else None
        lesson, errors = store.check(text, found[1].name if found else "new lesson", settings.lessons_dir, replaces)
        return Validation(ok=not errors, id=lesson.id if lesson else None,
                          errors=[LessonError(**e) for e in errors])

    return await run_in_threadpool(run)


@router.get("/{lesson_id}", response_model=LessonText)
def read_lesson(lesson_id: str, settings: SettingsDep, response: Response) -> LessonText:
    found = store.current(settings.lessons_dir).get(lesson_id)
    if found is None:
        raise HTTPException(404, f"No lesson {lesson_id!r}.")
    text = found[1].read_text(encoding="utf-8")
    response.headers["ETag"] = etag_of(text)
    return LessonText(id=lesson_id, file=found[1].name, text=text, etag=etag_of(text))


@router.post("", status_code=201, response_model=LessonSummary, openapi_extra=YAML_BODY)
async def create_lesson(request: Request, settings: SettingsDep, session: SessionDep,
                        staff: StaffName) -> LessonSummary:
    return await run_in_threadpool(_create, await _body(request), settings.lessons_dir, session, staff)


def _create(text: str, folder: Path, session: Session, staff: str) -> LessonSummary:
    with store.writes:
        lesson = store.validated(text, "new lesson", folder, replaces=None)
        path = folder / f"{lesson.id}.yml"
        if path.exists():
            raise HTTPException(409, f"A file {path.name} already exists.")
        version = versions.add(session, lesson.id, text, staff)
        audit.record(session, staff, "create", f"lesson:{lesson.id}", {"version": version.number})
        store.write(path, text)
        session.commit()
    return store.summary(lesson, path)


@router.put("/{lesson_id}", response_model=LessonSummary, openapi_extra=YAML_BODY)
async def replace_lesson(lesson_id: str, request: Request, settings: SettingsDep, session: SessionDep,
                         staff: StaffName) -> LessonSummary:
    """Publish a new text. Send the ETag you read as If-Match: a lesson changed since gets 409."""
    text = await _body(request)
    return await run_in_threadpool(store.publish, lesson_id, text, request.headers.get("if-match"),
                                   settings.lessons_dir, session, staff, "publish")


@router.delete("/{lesson_id}", status_code=204)
def delete_lesson(lesson_id: str, settings: SettingsDep, session: SessionDep, staff: StaffName) -> Response:
    with store.writes:
        current = store.current(settings.lessons_dir)
        if lesson_id not in current:
            raise HTTPException(404, f"No lesson {lesson_id!r}.")
        needed_by = sorted(other for other, (lesson, _) in current.items()
                           if lesson_id in lesson.prerequisites)
        if needed_by:
            raise HTTPException(409, f"{', '.join(needed_by)} list {lesson_id!r} as a prerequisite; "
                                     "change them first.")
        audit.record(session, staff, "delete", f"lesson:{lesson_id}")
        current[lesson_id][1].unlink()
        session.commit()
    return Response(status_code=204)


# The studio's parts of this API live in modules of their own (a lesson's versions, the preview);
# they hang under this router, so they share its prefix and its staff token check.
router.include_router(lesson_versions.router)
router.include_router(lesson_preview.router)
