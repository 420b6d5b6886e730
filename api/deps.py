"""Request dependencies: the settings, a database session and the lessons, all taken from app.state."""

import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from curriculum.model import Lesson
from tutor.settings import Settings


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def get_lessons(request: Request) -> list[Lesson]:
    """The lessons in course order; the app's LessonLibrary re-reads the folder when files change."""
    return request.app.state.lessons.ordered()


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
LessonsDep = Annotated[list[Lesson], Depends(get_lessons)]


bearer = HTTPBearer(auto_error=False)


BOOTSTRAP_NAME = "bootstrap"


def require_staff(settings: SettingsDep, session: SessionDep,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
    """Staff routes need `Authorization: Bearer <token>`: a named token (`python -m tutor staff
    add NAME`) or TUTOR_STAFF_TOKEN, the bootstrap account `make run` prints a link for. Returns
    the account's name, which the audit log records."""
    from db import staff_accounts

    if not settings.staff_token and not staff_accounts.any_active(session):
        raise HTTPException(503, "The staff API is off: set TUTOR_STAFF_TOKEN or add an account "
                                 "with `python -m tutor staff add NAME`, and restart Tutor.")
    presented = credentials.credentials if credentials is not None else ""
    if settings.staff_token and secrets.compare_digest(presented, settings.staff_token):
        if not staff_accounts.is_revoked(session, BOOTSTRAP_NAME):
            return BOOTSTRAP_NAME
    elif presented:
        name = staff_accounts.name_for(session, presented)
        if name is not None:
            return name
    raise HTTPException(401, "A valid staff token is required.", headers={"WWW-Authenticate": "Bearer"})


StaffDep = Depends(require_staff)
StaffName = Annotated[str, Depends(require_staff)]
