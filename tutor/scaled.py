"""The scaled profile (`make run-scaled`): Tutor on the machine's PostgreSQL and Redis.

PostgreSQL holds the jobs database and Rasa's tracker store; Redis is Celery's broker (db 0) and
Rasa's lock store (db 1); the jobs run on `celery_workers` Celery workers (jobs/celery_worker.py)
instead of the polling worker, and the action server runs 2 Sanic worker processes. The same
services and settings are in docker-compose.yml.
Before anything starts, each server is reached: a missing one stops the start with its name, its
address and the variable that points at it.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from tutor.services import Service, scaled_services
from tutor.settings import Settings
from tutor.supervisor import ServiceFailed, Stack

DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/tutor"
SCALED_ACTIONS_WORKERS = 2  # Sanic worker processes of the action server (actions/server.py)


def scaled_settings(settings: Settings) -> Settings:
    """The profile's settings: PostgreSQL unless DATABASE_URL already names one (the tracker
    store follows it unless TUTOR_TRACKER_URL does), Celery, the scaled endpoints file."""
    database = settings.database_url if _is_postgres(settings.database_url) else DEFAULT_DATABASE
    tracker = settings.tracker_url if _is_postgres(settings.tracker_url) else database
    values = {**settings.model_dump(), "database_url": database, "tracker_url": tracker,
              "job_engine": "celery", "rasa_endpoints_file": "endpoints-scaled.yml",
              "actions_workers": settings.actions_workers or SCALED_ACTIONS_WORKERS}
    return Settings(**values)


def _is_postgres(url: str | None) -> bool:
    return bool(url) and str(url).startswith("postgresql")


@dataclass(frozen=True)
class Server:
    name: str
    url: str
    role: str
    variable: str

    @property
    def address(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.hostname}:{parts.port}{parts.path}"


def servers(settings: Settings) -> list[Server]:
    assert settings.database_url is not None and settings.tracker_url is not None
    found = [Server("PostgreSQL", settings.database_url, "jobs database", "DATABASE_URL")]
    if settings.tracker_url == settings.database_url:
        found[0] = Server("PostgreSQL", settings.database_url, "jobs database and Rasa tracker store",
                          "DATABASE_URL")
    else:
        found.append(Server("PostgreSQL", settings.tracker_url, "Rasa tracker store", "TUTOR_TRACKER_URL"))
    found.append(Server("Redis", settings.broker_url, "Celery broker", "TUTOR_BROKER_URL"))
    found.append(Server("Redis", settings.lock_store_url, "Rasa lock store", "TUTOR_LOCK_STORE_URL"))
    return found


def check_servers(settings: Settings) -> list[str]:
    """Reach every server (creating the PostgreSQL database when the server has none of that
    name); one line per server for the banner. ServiceFailed names the first one missing."""
    lines = []
    for server in servers(settings):
        try:
            (_check_postgres if server.name == "PostgreSQL" else _check_redis)(server.url)
        except Exception as exc:
            raise ServiceFailed(
                f"{server.name} ({server.role}) is not reachable at {server.address}: "
                f"{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}. "
                f"Start {server.name}, or set {server.variable} to one that runs.") from None
        lines.append(f"  {server.name} at {server.address}: {server.role}")
    return lines


def _check_postgres(url: str) -> None:
    import sqlalchemy as sa
    from sqlalchemy.exc import OperationalError

    from db.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return
    except OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
    finally:
        engine.dispose()
    name = urlsplit(url).path.strip("/")
    admin = make_engine(url.rsplit("/", 1)[0] + "/postgres").execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def _check_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=3)
    try:
        client.ping()
    finally:
        client.close()


class ScaledStack(Stack):
    """The supervisor's stack with the scaled services, after the servers were reached."""

    def __init__(self, settings: Settings, **kwargs: object):
        super().__init__(scaled_settings(settings), **kwargs)  # type: ignore[arg-type]
        self.connected: list[str] = []

    def prepare(self) -> None:
        self.connected = check_servers(self.settings)
        super().prepare()

    def definitions(self) -> list[Service]:
        assert self.model is not None
        return scaled_services(self.settings, self.model)
