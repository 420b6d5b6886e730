"""Boot the real stack (Rasa, action server, worker, API) once for all e2e tests."""

import shutil
from pathlib import Path

import pytest

LESSONS = Path(__file__).resolve().parents[2] / "lessons"

STAFF_TOKEN = "e2e-staff-token"


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    from tutor.supervisor import Stack, isolated_settings

    root = tmp_path_factory.mktemp("e2e")
    # A copy of the lessons, so the live-edit test can change a file under the running stack.
    lessons = shutil.copytree(LESSONS, root / "lessons")
    settings = isolated_settings(root / "var", staff_token=STAFF_TOKEN, lessons_dir=lessons)
    with Stack(settings) as running:
        yield running


@pytest.fixture
def learner(stack):
    from tutor.chat_client import Learner

    person = Learner(stack.settings.chat_socket_url).connect()
    yield person
    person.close()


@pytest.fixture
def db(stack):
    from db.engine import make_engine, make_session_factory

    return make_session_factory(make_engine(stack.settings.db_url))
