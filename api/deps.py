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


def require_staff(settings: SettingsDep,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
    """Staff routes need `Authorization: Bearer <TUTOR_STAFF_TOKEN>`."""
    if not settings.staff_token:
        raise HTTPException(503, "The staff API is off: set TUTOR_STAFF_TOKEN and restart Tutor.")
    if credentials is None or not secrets.compare_digest(credentials.credentials, settings.staff_token):
        raise HTTPException(401, "A valid staff token is required.", headers={"WWW-Authenticate": "Bearer"})


StaffDep = Depends(require_staff)
