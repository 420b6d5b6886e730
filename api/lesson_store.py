"""The lesson files behind the staff lesson API: read them, validate a text with the validator
`make lessons-check` runs, and publish one (check the author's ETag, keep the version, audit,
write atomically; docs/decisions.md, D37). The routes are in api/routes/lessons.py and
lesson_versions.py."""

import hashlib
import os
import tempfile
import threading
from pathlib import Path

from fastapi import HTTPException
from pydantic import BaseModel
from sqlalchemy.orm import Session

from db import audit
from db import lesson_versions as versions

MAX_LESSON_BYTES = 200_000
# One writer at a time: validation sees the folder it replaces into, and the If-Match check and
# the write cannot interleave with another publish (the API is one process).
writes = threading.Lock()


class LessonSummary(BaseModel):
    id: str
    title: str
    chapters: list[int]
    prerequisites: list[str]
    minutes: int
    steps: int
    quizzes: int
    file: str
    etag: str = ""


def etag_of(text: str) -> str:
    return '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'


def current(folder: Path):
    """The lessons on disk by id, with their files; a folder with errors still lists the good ones."""
    from curriculum.loader import parse_lesson
    from curriculum.validate import lesson_files

    files = {}
    for path in lesson_files(folder):
        lesson, _, _ = parse_lesson(path.read_text(encoding="utf-8"), path.name)
        if lesson is not None:
            files[lesson.id] = (lesson, path)
    return files


def summary(lesson, path: Path) -> LessonSummary:
    return LessonSummary(id=lesson.id, title=lesson.title, chapters=list(lesson.chapters),
                         prerequisites=list(lesson.prerequisites), minutes=lesson.minutes,
                         steps=len(lesson.steps), quizzes=len(lesson.asks), file=path.name,
                         etag=etag_of(path.read_text(encoding="utf-8")))


def check(text: str, filename: str, folder: Path, replaces: str | None):
    """(lesson or None, errors as dicts): the validator `make lessons-check` runs."""
    from curriculum.validate import parse_and_validate

    known = {lesson_id: lesson for lesson_id, (lesson, _) in current(folder).items()}
    lesson, errors = parse_and_validate(text, filename, known, replaces=replaces, lessons_dir=folder)
    return lesson, [{"line": e.line, "column": e.column, "message": e.message, "text": str(e)}
                    for e in errors]


def validated(text: str, filename: str, folder: Path, replaces: str | None):
    lesson, errors = check(text, filename, folder, replaces)
    if errors:
        raise HTTPException(422, {"message": "The lesson has errors; nothing was saved.", "errors": errors})
    return lesson


def write(path: Path, text: str) -> None:
    """Write-then-rename, so a learner's turn never reads half a file."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                     suffix=".tmp") as handle:
        handle.write(text)
    os.replace(handle.name, path)


def publish(lesson_id: str, text: str, if_match: str | None, folder: Path, session: Session,
            staff: str, action: str, detail: dict | None = None) -> LessonSummary:
    """Validate, check the author's base is still the file on disk, keep the version, audit,
    write atomically. The first publish of a file keeps its text before as a 'baseline' version,
    so a revert can go back to the lesson as shipped."""
    with writes:
        found = current(folder).get(lesson_id)
        if found is None:
            raise HTTPException(404, f"No lesson {lesson_id!r}; POST creates one.")
        lesson = validated(text, found[1].name, folder, replaces=lesson_id)
        if lesson.id != lesson_id:
            raise HTTPException(422, f"The file says id {lesson.id!r} but the URL says {lesson_id!r}.")
        on_disk = found[1].read_text(encoding="utf-8")
        if not if_match:
            raise HTTPException(428, "Send the lesson's ETag (from reading it) as If-Match, so a "
                                     "publish never overwrites someone else's unseen change.")
        if if_match.strip() not in (etag_of(on_disk), "*"):
            latest = versions.listing(session, lesson_id)
            who = (f" {latest[0].author} published version {latest[0].number} at "
                   f"{latest[0].created_at:%H:%M:%S} UTC" if latest else " the file was changed on disk")
            raise HTTPException(409, {"message": f"Conflict: since you opened {lesson_id!r},{who}. "
                                                 "Nothing was saved; your text is still in the editor. "
                                                 "Reload to see their version and merge your change.",
                                      "etag": etag_of(on_disk)})
        if not versions.listing(session, lesson_id):
            versions.add(session, lesson_id, on_disk, "file", action="baseline")
        version = versions.add(session, lesson_id, text, staff, action=action)
        audit.record(session, staff, action, f"lesson:{lesson_id}", {"version": version.number, **(detail or {})})
        write(found[1], text)
        session.commit()
    return summary(lesson, found[1])
