"""create_app(settings): the FastAPI app. Engines and folders are made here, not at import."""

import logging

from fastapi import FastAPI

from api.routes import (
    artifacts,
    chat,
    health,
    inbox,
    lesson_images,
    lessons,
    progress,
    results,
    staff,
    uploads,
)
from curriculum.library import LessonLibrary
from db.engine import make_engine, make_session_factory
from tutor import log_redaction
from tutor.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    # uvicorn has set up its access log by the time it calls this factory: its lines name the
    # download and chart links, whose ids are all those links ask for.
    log_redaction.install(logging.getLogger("uvicorn.access"))
    app = FastAPI(title="Tutor API", version="0.1.0")
    app.state.settings = settings
    app.state.sessions = make_session_factory(make_engine(settings.db_url))
    app.state.lessons = LessonLibrary(settings.lessons_dir)  # reads the folder on first use
    app.include_router(health.router)
    app.include_router(artifacts.router)
    app.include_router(chat.router)
    app.include_router(results.router)
    app.include_router(uploads.router)
    app.include_router(staff.router)
    app.include_router(inbox.router)
    app.include_router(staff.page_router)
    app.include_router(progress.router)
    app.include_router(lessons.router)
    app.include_router(lesson_images.router)
    return app
