"""The four Tutor services as command lines: one definition for `make run`, the end-to-end tests
and the docker-compose check (tests/tutor/test_compose.py)."""

import sys
from dataclasses import dataclass
from pathlib import Path

from tutor.settings import Settings


@dataclass(frozen=True)
class Service:
    name: str
    argv: list[str]
    # How the supervisor knows it is up: an HTTP URL answering 200, or a line in its log.
    ready_url: str | None = None
    ready_log: str | None = None


# Rasa's CLI plus speed fixes (bot/launch.py), started by tutor/rasa_launch.py, which adds
# `--auth-token` from TUTOR_RASA_TOKEN so the token is not in the world-readable argv.
RASA_LAUNCHER = ["-m", "tutor.rasa_launch"]


def rasa_argv(settings: Settings, model: Path) -> list[str]:
    return [
        str(settings.rasa_venv / "bin" / "python"), *RASA_LAUNCHER, "run",
        "--model", str(model),
        "--enable-api",
        # Only the chat page (served by the API) may call Rasa from a browser: socket.io's
        # long-polling requests are cross-origin (:8000 -> :5005), everything else is server-side.
        "--cors", settings.public_origin,
        "--interface", settings.host,
        "--port", str(settings.rasa_port),
        "--credentials", str(settings.bot_dir / "credentials.yml"),
        "--endpoints", str(settings.bot_dir / settings.rasa_endpoints_file),
    ]


def app_argv(name: str, settings: Settings) -> list[str]:
    """Commands run in the app venv; the same module invocations appear in docker-compose.yml."""
    python = sys.executable
    return {
        "actions": [python, "-m", "actions.server"],
        "worker": [python, "-m", "jobs.worker"],
        "api": [python, "-m", "uvicorn", "api.main:create_app", "--factory",
                "--host", settings.host, "--port", str(settings.api_port)],
    }[name]


def celery_worker_argv(index: int) -> list[str]:
    """One Celery worker of the scaled profile (jobs/celery_worker.py); %h is Celery's host name."""
    return [sys.executable, "-m", "jobs.celery_worker", f"--name=worker-{index}@%h"]


def scaled_services(settings: Settings, model: Path) -> list[Service]:
    """`make run-scaled` (tutor/scaled.py) and compose: the jobs on N Celery workers instead of
    the polling worker; Rasa reads settings.rasa_endpoints_file (endpoints-scaled.yml)."""
    plain = {service.name: service for service in services(settings, model)}
    workers = [Service(f"worker-{i}", celery_worker_argv(i), ready_log=" ready.")
               for i in range(1, settings.celery_workers + 1)]
    return [plain["actions"], *workers, plain["api"], plain["rasa"]]


def services(settings: Settings, model: Path) -> list[Service]:
    base = f"http://{settings.reachable_host}"
    return [
        Service("actions", app_argv("actions", settings),
                ready_url=f"{base}:{settings.actions_port}/health"),
        Service("worker", app_argv("worker", settings), ready_log="waiting for jobs"),
        Service("api", app_argv("api", settings), ready_url=f"{base}:{settings.api_port}/health"),
        Service("rasa", rasa_argv(settings, model), ready_url=f"{base}:{settings.rasa_port}/status"),
    ]
