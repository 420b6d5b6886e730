"""The action server's shared resources, made on first use (rasa_sdk imports actions at start)."""

from functools import lru_cache

from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, make_session_factory
from tutor.settings import Settings


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings()


@lru_cache(maxsize=1)
def sessions() -> sessionmaker[Session]:
    return make_session_factory(make_engine(settings().db_url))


def faq():
    """The knowledge base by id, with what staff taught on the staff page (re-read when that
    file changes, as Rasa's understanding layer does). Which entry answers a message is decided
    in Rasa's NLU pipeline (understanding/), so the action server holds no encoder."""
    return _faq().current()


@lru_cache(maxsize=1)
def _faq():
    from faq.staff import LiveKnowledgeBase, path_in

    return LiveKnowledgeBase(path_in(settings().var_dir))


@lru_cache(maxsize=1)
def tutoring():
    """Lesson turns over the lesson folder (re-read whenever a lesson file changes)."""
    from curriculum.library import LessonLibrary
    from curriculum.tutoring import Tutoring

    return Tutoring(LessonLibrary(settings().lessons_dir), settings().public_base_url)
