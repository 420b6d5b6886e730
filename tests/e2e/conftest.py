"""The e2e tests' learners on the shared stack (tests/conftest.py `stack`, booted once per session
for the e2e, Slack and browser tests)."""

import pytest

from tests.conftest import STAFF_TOKEN

__all__ = ["STAFF_TOKEN"]  # the e2e tests import it from here


@pytest.fixture
def learner(stack):
    """A new socket.io learner (its own session id) for one test."""
    from tutor.chat_client import Learner

    person = Learner(stack.settings.chat_socket_url).connect()
    yield person
    person.close()


@pytest.fixture
def db(stack):
    from db.engine import make_engine, make_session_factory

    engine = make_engine(stack.settings.db_url)
    yield make_session_factory(engine)
    engine.dispose()
