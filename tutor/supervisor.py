"""Start Tutor's services as child processes, wait until each is ready, stop them all cleanly.

Used by `python -m tutor run` and by the end-to-end tests (with free ports and a temporary
var_dir), so the tests boot exactly what a learner runs.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

from db.migrate import upgrade
from tutor.botmodel import ensure_model, rasa_env
from tutor.services import Service, services
from tutor.settings import ROOT, Settings


def free_port() -> int:
    """A TCP port free right now on loopback (for tests and benches that boot their own stack)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _runs(pid: int, argv: list[str]) -> bool:
    """True if `pid` is alive and still runs the command we started (pids get reused)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return [part.decode(errors="replace") for part in cmdline if part][-len(argv):] == argv


def isolated_settings(var_dir: Path, **overrides) -> Settings:
    """Settings for a private stack: free ports, its own SQLite files and artifacts under var_dir.
    Used by the end-to-end tests, the benches and the AMA replay, so they never touch `make run`'s."""
    api_port = free_port()
    values = {
        "var_dir": var_dir,
        "database_url": f"sqlite:///{var_dir / 'tutor.db'}",
        "rasa_port": free_port(),
        "actions_port": free_port(),
        "api_port": api_port,
        "public_base_url": f"http://127.0.0.1:{api_port}",
    }
    return Settings(**{**values, **overrides})


class ServiceFailed(RuntimeError):
    pass


class Stack:
    def __init__(self, settings: Settings, model: Path | None = None):
        # Rasa's HTTP API (trackers, models, trigger_intent) is closed with a token; without one
        # configured, each run makes its own and hands it to the services that call Rasa.
        if not settings.rasa_token:
            settings = settings.model_copy(update={"rasa_token": secrets.token_urlsafe(24)})
        self.settings = settings
        self.model = model
        self.procs: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.log_starts: dict[str, int] = {}  # logs are appended to: readiness reads this run's part

    @property
    def pidfile(self) -> Path:
        return self.settings.var_dir / "services.pids"

    def prepare(self) -> None:
        for folder in (self.settings.var_dir, self.settings.logs_dir, self.settings.artifacts_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.stop_leftovers()
        self.check_ports_free()
        upgrade(self.settings.db_url)
        if self.model is None:
            self.model, _ = ensure_model(self.settings)

    def start(self, timeout: float = 180.0) -> "Stack":
        self.prepare()
        env = rasa_env(self.settings)
        env["PYTHONUNBUFFERED"] = "1"
        try:
            for service in services(self.settings, self.model):
                log_path = self.settings.logs_dir / f"{service.name}.log"
                self.logs[service.name] = log_path
                self.log_starts[service.name] = log_path.stat().st_size if log_path.exists() else 0
                with open(log_path, "ab") as log:
                    self.procs[service.name] = subprocess.Popen(
                        service.argv, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
                        start_new_session=True,  # Ctrl-C reaches the supervisor, which stops them in order
                    )
                self._write_pidfile()
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

    def _write_pidfile(self) -> None:
        self.pidfile.write_text(json.dumps(
            {name: {"pid": proc.pid, "argv": proc.args} for name, proc in self.procs.items()}))

    def _is_ready(self, name: str, service: Service) -> bool:
        if service.ready_log:
            with open(self.logs[name], "rb") as log:
                log.seek(self.log_starts[name])
                return service.ready_log.encode() in log.read()
        # Only Rasa needs its token; sent elsewhere it would land in those servers' access logs.
        params = {"token": self.settings.rasa_token} if name == "rasa" else {}
        try:
            response = httpx.get(service.ready_url, params=params, timeout=2)
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

    def stop_leftovers(self) -> None:
        """Stop services a previous supervisor on this var_dir started and never stopped (it was
        killed). Its children run in their own sessions, so they outlive it."""
        if not self.pidfile.exists():
            return
        for entry in json.loads(self.pidfile.read_text()).values():
            pid = entry["pid"]
            if not _runs(pid, entry["argv"]):  # gone, or the pid now belongs to something else
                continue
            try:
                os.killpg(pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                continue
            for _ in range(50):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
        self.pidfile.unlink()

    def check_ports_free(self) -> None:
        s = self.settings
        ports = [("Rasa", s.rasa_port, "TUTOR_RASA_PORT"), ("action", s.actions_port, "TUTOR_ACTIONS_PORT"),
                 ("API", s.api_port, "TUTOR_API_PORT")]
        for label, port, variable in ports:
            with socket.socket() as sock:
                if sock.connect_ex((s.reachable_host, port)) == 0:
                    raise ServiceFailed(f"port {port} for the {label} server is already in use. "
                                        f"Stop what uses it, or set {variable} to another port.")

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
        self.pidfile.unlink(missing_ok=True)

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
