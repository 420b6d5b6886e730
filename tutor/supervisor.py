"""Start Tutor's services as child processes, wait until each is ready, stop them all cleanly.

Used by `python -m tutor run` and by the end-to-end tests (with free ports and a temporary
var_dir), so the tests boot exactly what a learner runs.
"""

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx

from db.migrate import upgrade
from tutor.botmodel import ensure_model, rasa_env
from tutor.services import WORKDIR, Service, services
from tutor.settings import Settings


class ServiceFailed(RuntimeError):
    pass


class Stack:
    def __init__(self, settings: Settings, model: Path | None = None):
        self.settings = settings
        self.model = model
        self.procs: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}

    def prepare(self) -> None:
        for folder in (self.settings.var_dir, self.settings.logs_dir, self.settings.artifacts_dir):
            folder.mkdir(parents=True, exist_ok=True)
        upgrade(self.settings.db_url)
        if self.model is None:
            self.model, _ = ensure_model(self.settings)

    def start(self, timeout: float = 180.0) -> "Stack":
        self.prepare()
        env = rasa_env(self.settings)
        env["PYTHONUNBUFFERED"] = "1"
        for service in services(self.settings, self.model):
            log_path = self.settings.logs_dir / f"{service.name}.log"
            self.logs[service.name] = log_path
            with open(log_path, "ab") as log:
                self.procs[service.name] = subprocess.Popen(
                    service.argv, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=WORKDIR,
                    start_new_session=True,  # Ctrl-C reaches the supervisor, which stops them in order
                )
        try:
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = {s.name: s for s in services(self.settings, self.model)}
        while pending:
            for name, service in list(pending.items()):
                self.check_alive(name)
                if self._is_ready(name, service):
                    del pending[name]
            if time.monotonic() > deadline:
                raise ServiceFailed(f"not ready after {timeout:.0f} s: {', '.join(pending)} "
                                    f"(logs in {self.settings.logs_dir})")
            time.sleep(0.3)

    def _is_ready(self, name: str, service: Service) -> bool:
        if service.ready_log:
            return service.ready_log in self.logs[name].read_text(errors="replace")
        try:
            response = httpx.get(service.ready_url, timeout=2)
        except httpx.HTTPError:
            return False
        if name == "rasa":  # /status answers before the model is loaded
            return response.status_code == 200 and bool(response.json().get("model_id"))
        return response.status_code == 200

    def check_alive(self, name: str) -> None:
        code = self.procs[name].poll()
        if code is not None:
            tail = self.logs[name].read_text(errors="replace")[-3000:]
            raise ServiceFailed(f"{name} exited with code {code}. Last log lines:\n{tail}")

    def stop(self, grace: float = 15.0) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in self.procs.values():
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
