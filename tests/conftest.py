"""Shared fixtures: settings on temporary folders, migrated databases (SQLite and PostgreSQL), the
Rasa model and hub module (built once, under a file lock), and the one real stack that the e2e,
Slack and browser tests share (booted once per test session; see `stack`)."""

import contextlib
import fcntl
import inspect
import os
import shutil
import socket
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
# The staff API token of the shared stack (tests/e2e import it as tests.e2e.conftest.STAFF_TOKEN).
STAFF_TOKEN = "e2e-staff-token"
# The xdist group of every test that uses the shared stack: with `-n 2 --dist loadgroup` (make
# test) one worker boots the stack and runs them all, in order; the other runs everything else.
STACK_GROUP = "stack"
# The machine's PostgreSQL (docs/decisions.md, D23): trust auth, database `test`.
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
def rasa():
    """A local fake of Rasa's HTTP API: records what the worker and the API push to chats."""
    from tests.jobs.fake_rasa import FakeRasa

    fake = FakeRasa()
    yield fake
    fake.close()


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
def router():
    """The real understanding layer (MiniLM in ONNX Runtime over the whole index), built once from the
    vector cache `make setup` fills (under a lock: two xdist workers never embed it twice)."""
    from understanding.build import build, cache_file

    with file_lock(cache_file().with_suffix(".lock")):
        return build(cache_file=cache_file())


@contextlib.contextmanager
def file_lock(path: Path):
    """An exclusive lock on `path` (made if missing), so two xdist workers (or two test runs)
    never build the same shared file at once; released when the block ends or the process dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def bot_model():
    """The Rasa model for the current bot files (models/tutor-<hash>.tar.gz), trained only if
    missing (`make test` trains it first). Locked: `rasa train` from two workers would write the
    same file."""
    from tutor.botmodel import ensure_model
    from tutor.settings import Settings

    settings = Settings()
    with file_lock(settings.models_dir / ".bot-model.lock"):
        model, _ = ensure_model(settings)
    return model


@pytest.fixture(scope="session")
def hub_module():
    """The transfer skill's local hub module (models/hub/digits-features), built here only if
    missing (`make test` builds it first). The transfer skill builds it on first use, in a test
    or in the shared stack's worker; built here once, under a lock, two xdist workers never build
    it at once."""
    from skills import transfer
    from tutor.settings import Settings

    path = Settings().hub_module_dir  # what the stack's worker and the skill's default use
    with file_lock(path.parent / f".{path.name}.lock"):
        transfer.resolve_handle("local", folder=path)  # builds it when missing
    return path


@pytest.fixture(autouse=True)
def _hub_module_before_trainings(request):
    """Slow tests train real models (the transfer skill among them, on the default module): make
    sure the hub module is in place first (a check of two files when it is)."""
    if request.node.get_closest_marker("slow") is not None:
        request.getfixturevalue("hub_module")


@pytest.fixture(scope="session")
def fake_slack():
    """The local fake Slack the shared stack posts to. It echoes the bot's own messages back as
    message.im events, as real Slack does (the Slack tests check they are never answered)."""
    from tests.slack.fake_slack import FakeSlack

    with FakeSlack(echo_bot_messages=True) as fake:
        yield fake


@pytest.fixture(scope="session")
def stack(tmp_path_factory, fake_slack, bot_model, hub_module):
    """The real stack (Rasa, action server, worker, API) on free ports, booted once for every
    e2e, Slack and browser test: the union of what they need.

    - a staff token, and a copy of the lessons (the live-edit test changes a file under it);
    - Slack on, pointed at the session's fake Slack (tests/slack);
    - progress pushed every 0.1 s instead of 2 s, so a short training in the browser shows its bar
      moving before the result lands (tests/web).

    Tests on it never count rows across the whole database: each uses its own learner (socket.io
    session, Slack user, REST sender) and looks only at that learner's jobs and answers.
    """
    from tutor.supervisor import Stack, isolated_settings

    root = tmp_path_factory.mktemp("stack")
    lessons = shutil.copytree(LESSONS, root / "lessons")
    settings = isolated_settings(
        root / "var",
        staff_token=STAFF_TOKEN,
        lessons_dir=lessons,
        slack_bot_token=fake_slack.token,
        slack_signing_secret=fake_slack.signing_secret,
        slack_api_url=fake_slack.api_url,
        progress_min_interval=0.1,
    )
    global _stack_in_this_process
    _stack_in_this_process = True
    with Stack(settings, model=bot_model) as running:
        fake_slack.webhook_url = f"{running.settings.rasa_url}/webhooks/slack/webhook"
        yield running
        # No conversation of any test may have fallen through Rasa's rules: its core fallback says
        # "Sorry, I lost the thread there" and takes the learner's message back (a lesson or a
        # handoff that handed a message on by FollowupAction did that, unseen by every test).
        lost = _core_fallbacks(root / "var" / "rasa_tracker.db")
        assert not lost, f"Rasa's core fallback ran in these conversations: {lost}"


def _core_fallbacks(tracker_db) -> list[str]:
    import sqlite3

    with sqlite3.connect(tracker_db) as db:
        rows = db.execute("SELECT DISTINCT sender_id FROM events WHERE action_name = 'action_default_fallback'")
        return [sender for (sender,) in rows]


_stack_in_this_process = False
_niced = False


def pytest_runtest_setup(item):
    """Under xdist, the worker that runs the other tests while the stack's tests run yields the
    CPU as the stack's job worker does (Settings.worker_nice, 10): trainings in tests and in the
    job worker share it, and the stack's dialogue services (Rasa, actions, API, the browser)
    come first, as they do for a learner. Left at nice 0, its TensorFlow trainings starved the
    niced job worker: one e2e training took 5x as long. Never in a one-process run, and never in
    the worker that boots the stack (its services inherit its priority)."""
    global _niced
    if _niced or _stack_in_this_process or not hasattr(item.config, "workerinput"):
        return
    if "stack" in getattr(item, "fixturenames", ()):
        return
    from tutor.settings import Settings

    os.nice(Settings().worker_nice)
    _niced = True


def _shared_session_fixtures(item) -> set[str]:
    """Session-scoped fixtures of this test that are defined in the test tree (the costly ones:
    the FAQ brain, exported models, ...), not pytest's own (tmp_path_factory and the like)."""
    names: set[str] = set()
    info = getattr(item, "_fixtureinfo", None)
    for name, defs in (info.name2fixturedefs.items() if info else ()):
        fixturedef = defs[-1]
        if fixturedef.scope != "session":
            continue
        try:
            source = Path(inspect.getsourcefile(fixturedef.func) or "")
        except TypeError:
            continue
        if source.is_relative_to(ROOT / "tests"):
            names.add(name)
    return names


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test that uses the shared stack `e2e` (so `-m "not e2e"` never boots it) and put
    it in the xdist group "stack", so only one worker boots it.

    Every other test gets a group too, for `--dist loadgroup`: its file, joined with the files of
    any test that shares a session fixture of the test tree with it (the FAQ brain, the exported
    models), so module and session fixtures are built once per run, not once per worker. Runs
    first, before `-m` deselection and before xdist reads the groups."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(a: str, b: str) -> None:
        a, b = find(a), find(b)
        if a != b:
            parent[max(a, b)] = min(a, b)

    on_stack, others, uses = [], [], {}
    for item in items:
        if "stack" in getattr(item, "fixturenames", ()):
            if item.get_closest_marker("e2e") is None:
                item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.xdist_group(STACK_GROUP))
            on_stack.append(item)
            continue
        if item.get_closest_marker("xdist_group") is not None:
            continue  # a test that chose its own group keeps it
        others.append(item)
        uses[item] = _shared_session_fixtures(item)
    everywhere = set.intersection(*uses.values()) if uses else set()  # autouse: ties nothing together
    for item in others:
        module = f"file:{item.nodeid.split('::')[0]}"
        find(module)
        for name in uses[item] - everywhere:
            union(module, f"fixture:{name}")
    groups: dict[str, list] = {}
    for item in others:
        group = find(f"file:{item.nodeid.split('::')[0]}")
        item.add_marker(pytest.mark.xdist_group(group))
        groups.setdefault(group, []).append(item)
    if hasattr(config, "workerinput"):
        # Under xdist (with --no-loadscope-reorder, as make test runs it) work units are handed
        # out in this order: the stack's tests first, so the longest path starts at once, then
        # the other groups longest first (most `slow` tests: they train real models), so no
        # long group is left alone at the end.
        def cost(tests: list) -> tuple[int, int]:
            return sum(t.get_closest_marker("slow") is not None for t in tests), len(tests)

        rest = sorted(groups.values(), key=cost, reverse=True)  # stable: ties keep file order
        chosen = {id(item) for item in on_stack} | {id(item) for item in others}
        unsorted = [item for item in items if id(item) not in chosen]  # tests with their own group
        items[:] = on_stack + [item for tests in rest for item in tests] + unsorted
