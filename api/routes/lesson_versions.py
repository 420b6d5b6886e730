"""Staff API for a lesson's published versions: the list, one version's text, a diff between
two, and a one-click revert (itself a publish, so it is versioned, audited and conflict-checked).

The diff is Python's difflib (unified format) on the server: the page only shows text, so no
browser diff library is needed.
"""

import difflib
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api.deps import SessionDep, SettingsDep, StaffName
from api.lesson_store import LessonSummary, etag_of, publish
from db import lesson_versions as versions

# Included by api/routes/lessons.py under /staff/lessons, behind its staff token check.
router = APIRouter()


class VersionOut(BaseModel):
    number: int
    author: str
    action: str
    created_at: datetime
    etag: str
    lines: int


class VersionText(VersionOut):
    text: str


class DiffOut(BaseModel):
    old: int
    new: int
    diff: str


def _out(version) -> VersionOut:
    return VersionOut(number=version.number, author=version.author, action=version.action,
                      created_at=version.created_at, etag=etag_of(version.text),
                      lines=len(version.text.splitlines()))


def _get(session, lesson_id: str, number: int):
    version = versions.get(session, lesson_id, number)
    if version is None:
        raise HTTPException(404, f"Lesson {lesson_id!r} has no version {number}.")
    return version


@router.get("/{lesson_id}/versions", response_model=list[VersionOut])
def list_versions(lesson_id: str, session: SessionDep) -> list[VersionOut]:
    """Newest first; the first publish from the page also kept the file as it was ('baseline')."""
    return [_out(v) for v in versions.listing(session, lesson_id)]


@router.get("/{lesson_id}/versions/{number}", response_model=VersionText)
def read_version(lesson_id: str, number: int, session: SessionDep) -> VersionText:
    version = _get(session, lesson_id, number)
    return VersionText(**_out(version).model_dump(), text=version.text)


@router.get("/{lesson_id}/diff", response_model=DiffOut)
def diff(lesson_id: str, session: SessionDep, old: Annotated[int, Query(ge=1)],
         new: Annotated[int, Query(ge=1)]) -> DiffOut:
    """Unified diff from version `old` to version `new`."""
    before, after = _get(session, lesson_id, old), _get(session, lesson_id, new)
    lines = difflib.unified_diff(before.text.splitlines(keepends=True), after.text.splitlines(keepends=True),
                                 fromfile=f"version {old}", tofile=f"version {new}")
    return DiffOut(old=old, new=new, diff="".join(lines))


@router.post("/{lesson_id}/versions/{number}/revert", response_model=LessonSummary)
async def revert(lesson_id: str, number: int, settings: SettingsDep, session: SessionDep,
                 staff: StaffName, if_match: Annotated[str | None, Header()] = None) -> LessonSummary:
    """Publish version `number`'s text again (If-Match: the ETag of the lesson as you see it)."""
    text = _get(session, lesson_id, number).text
    return await run_in_threadpool(publish, lesson_id, text, if_match, settings.lessons_dir, session,
                                   staff, "revert", {"to_version": number})
