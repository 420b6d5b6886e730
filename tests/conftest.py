"""Shared fixtures: settings on temporary folders, migrated databases (SQLite and PostgreSQL)."""

import os
import socket
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

ROOT = Path(__file__).resolve().parent.parent
# The machine's PostgreSQL (ARCHITECTURE.md): trust auth, database `test`.
POSTGRES_ADMIN_URL = os.environ.get("TUTOR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def require_server(name: str, host: str, port: int) -> None:
    """Skip when a server is missing on a user's machine; fail in CI, where it must run."""
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        message = f"{name} is not reachable on {host}:{port}"
        if os.environ.get("CI"):
            pytest.fail(f"{message}, and CI must run the {name}-backed tests")
        pytest.skip(f"{message}; skipped the {name}-backed tests")


@pytest.fixture
def make_settings(tmp_path):
    from tutor.settings import Settings

    def _make(**overrides):
        values = {"var_dir": tmp_path / "var", "database_url": f"sqlite:///{tmp_path / 'tutor.db'}"}
        values.update(overrides)
        return Settings(**values)

    return _make


@pytest.fixture
def settings(make_settings):
    return make_settings()


@pytest.fixture
def postgres_url():
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    require_server("PostgreSQL", "127.0.0.1", 5432)
    import sqlalchemy as sa

    from db.engine import make_engine

    name = f"tutor_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    """Each repository test runs on both databases Tutor supports."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'repo.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def sessions(db_url):
    from db.engine import make_engine, make_session_factory
    from db.migrate import upgrade

    upgrade(db_url)
    engine = make_engine(db_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def sqlite_sessions(settings):
    from db.engine import make_engine, make_session_factory
    from db.migrate import upgrade

    upgrade(settings.db_url)
    engine = make_engine(settings.db_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def faq_brain():
    """The real FAQ brain (MiniLM in TensorFlow), built once: ~20 s."""
    from faq.brain import FaqBrain

    return FaqBrain.load()
