"""Start Tutor's services as child processes, wait until each is ready, restart one that exits,
and stop them all cleanly.

Used by `python -m tutor run` and by the end-to-end tests (with free ports and a temporary
var_dir), so the tests boot exactly what a learner runs. Why our own and not supervisord, circus
or honcho: docs/decisions.md, D24.
"""

import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from tutor.botmodel import rasa_env
from tutor.private_files import write_private
from tutor.restarts import Backoff, ServiceState, now_iso, state_file, write_states
from tutor.services import Service, services
from tutor.settings import ROOT, Settings

log = logging.getLogger("tutor.supervisor")


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


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass  # the group is gone already


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


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


class Stopped(Exception):
    """A stop was asked for (a signal) before the stack was ready."""


class Stack:
    """The four services. A service that exits before it is first ready fails the start (a broken
    setup should be seen at once); after that, one that exits is restarted with backoff while the
    others keep running."""

    def __init__(self, settings: Settings, model: Path | None = None,
                 backoff: Callable[[], Backoff] = Backoff):
        # Rasa's HTTP API (trackers, models, trigger_intent) is closed with a token; without one
        # configured, each run makes its own and hands it to the services that call Rasa.
        if not settings.rasa_token:
            settings = settings.model_copy(update={"rasa_token": secrets.token_urlsafe(24)})
        self.settings = settings
        self.model = model
        self.procs: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.log_starts: dict[str, int] = {}  # logs are appended to: readiness reads this run's part
        self.states: dict[str, ServiceState] = {}
        self.stop_requested = threading.Event()  # set by a signal handler, or by stop()
        self._backoff = backoff
        self._backoffs: dict[str, Backoff] = {}
        self._services: dict[str, Service] = {}
        self._started_at: dict[str, float] = {}
        self._restart_at: dict[str, float] = {}
        self._env: dict[str, str] = {}
        self._lock = threading.Lock()  # a spawn and the stop never interleave
        self._stopping = False
        self._watcher: threading.Thread | None = None
        self.poll_interval = 0.5  # seconds between checks for exited services

    @property
    def pidfile(self) -> Path:
        return self.settings.var_dir / "services.pids"

    def definitions(self) -> list[Service]:
        """The services to run (a test's stack overrides this with tiny fake commands)."""
        assert self.model is not None
        return services(self.settings, self.model)

    def prepare(self) -> None:
        for folder in (self.settings.var_dir, self.settings.logs_dir, self.settings.artifacts_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.stop_leftovers()
        self.check_ports_free()
        self.migrate_and_train()
        self._env = rasa_env(self.settings)
        self._env["PYTHONUNBUFFERED"] = "1"

    def migrate_and_train(self) -> None:
        from db.migrate import upgrade  # here: alembic and SQLAlchemy take seconds to import
        from tutor.botmodel import ensure_model

        upgrade(self.settings.db_url)
        if self.model is None:
            self.model, _ = ensure_model(self.settings)

    def start(self, timeout: float = 180.0) -> "Stack":
        try:
            self.prepare()
            self._services = {service.name: service for service in self.definitions()}
            for service in self._services.values():
                if self.stop_requested.is_set():
                    raise Stopped("asked to stop while starting")
                self._spawn(service)
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _spawn(self, service: Service) -> None:
        with self._lock:
            if self._stopping:
                return
            name = service.name
            log_path = self.settings.logs_dir / f"{name}.log"
            self.logs[name] = log_path
            self.log_starts[name] = log_path.stat().st_size if log_path.exists() else 0
            with open(log_path, "ab") as out:
                self.procs[name] = proc = subprocess.Popen(
                    service.argv, stdout=out, stderr=subprocess.STDOUT, env=self._env, cwd=ROOT,
                    start_new_session=True,  # signals to the terminal's group reach the supervisor only
                )
            self._started_at[name] = time.monotonic()
            self._backoffs.setdefault(name, self._backoff())
            state = self.states.setdefault(name, ServiceState())
            state.state, state.pid, state.next_start_at = "starting", proc.pid, None
            self._write_pidfile()
            self._write_states()

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = dict(self._services)
        while pending:
            for name, service in list(pending.items()):
                if self.stop_requested.is_set():
                    raise Stopped("asked to stop while starting")
                if self._is_ready(name, service):
                    self._mark_running(name)
                    del pending[name]
                else:
                    self.check_alive(name)
            if time.monotonic() > deadline:
                raise ServiceFailed(f"not ready after {timeout:.0f} s: {', '.join(pending)} "
                                    f"(logs in {self.settings.logs_dir})")
            if pending:
                self.stop_requested.wait(0.3)

    def _write_pidfile(self) -> None:
        write_private(self.pidfile, json.dumps(
            {name: {"pid": proc.pid, "argv": proc.args} for name, proc in self.procs.items()}))

    def _write_states(self) -> None:
        write_states(self.settings.var_dir, self.states)

    def _is_ready(self, name: str, service: Service) -> bool:
        if service.ready_log:
            with open(self.logs[name], "rb") as log_file:
                log_file.seek(self.log_starts[name])
                return service.ready_log.encode() in log_file.read()
        if not service.ready_url:
            return True
        # Only Rasa needs its token; sent elsewhere it would land in those servers' access logs.
        params = {"token": self.settings.rasa_token} if name == "rasa" else {}
        try:
            response = httpx.get(service.ready_url, params=params, timeout=2)
        except httpx.HTTPError:
            return False
        if name == "rasa":  # /status answers before the model is loaded
            return response.status_code == 200 and bool(response.json().get("model_id"))
        return response.status_code == 200

    def _mark_running(self, name: str) -> None:
        state = self.states[name]
        state.state = "running"
        if state.restarts:
            self._report(name, f"{name} is running again (restart {state.restarts})", logging.INFO)
        self._write_states()

    def check_alive(self, name: str) -> None:
        code = self.procs[name].poll()
        if code is not None:
            tail = self.logs[name].read_text(errors="replace")[-3000:]
            raise ServiceFailed(f"{name} exited ({describe_exit(code)}). Last log lines:\n{tail}")

    # ---- restarts -------------------------------------------------------------------------------

    def watch(self) -> None:
        """Restart services that exit, until stop_requested is set (by a signal or by stop())."""
        while not self.stop_requested.is_set():
            try:
                self.tick()
            except Exception:  # one bad pass (a log file gone) must not end the supervision
                log.exception("supervisor pass failed; carrying on")
            self.stop_requested.wait(self.poll_interval)

    def tick(self) -> None:
        for name, service in self._services.items():
            state = self.states[name]
            if state.state == "starting" and self._is_ready(name, service):
                with self._lock:
                    if not self._stopping and state.state == "starting":
                        self._mark_running(name)
            with self._lock:
                if self._stopping:
                    return
                proc = self.procs[name]
                if state.state in ("starting", "running") and proc.poll() is not None:
                    self._schedule_restart(name, proc)
            if state.state == "restarting" and time.monotonic() >= self._restart_at[name]:
                self._spawn(service)

    def _schedule_restart(self, name: str, proc: subprocess.Popen) -> None:
        _signal_group(proc.pid, signal.SIGKILL)  # what the dead service started dies with it
        uptime = time.monotonic() - self._started_at[name]
        delay = self._backoffs[name].delay_after_exit(uptime)
        state = self.states[name]
        state.state, state.restarts = "restarting", state.restarts + 1
        state.last_exit_code, state.last_exit_at = proc.returncode, now_iso()
        state.next_start_at = now_iso(delay)
        self._restart_at[name] = time.monotonic() + delay
        self._report(name, f"{name} exited ({describe_exit(proc.returncode)}) after {uptime:.1f} s; "
                           f"restart {state.restarts} in {delay:g} s", logging.WARNING)
        self._write_states()

    def _report(self, name: str, message: str, level: int) -> None:
        """In the supervisor's log, and in the service's own log where its last lines are."""
        log.log(level, message)
        try:
            with open(self.logs[name], "a") as out:
                out.write(f"--- supervisor {now_iso()}: {message}\n")
        except OSError:
            pass

    # ---- stopping -------------------------------------------------------------------------------

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
                if not _runs(pid, entry["argv"]):  # gone (a zombie's cmdline reads empty)
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
        """Stop every service: SIGTERM to each one's process group, SIGKILL after `grace`.
        Safe to call again, and from any thread; no restart happens once it has begun."""
        with self._lock:
            self._stopping = True
        self.stop_requested.set()
        if self._watcher is not None and self._watcher is not threading.current_thread():
            self._watcher.join(timeout=5)
        procs = list(self.procs.values())
        for proc in procs:
            if proc.poll() is None:
                _signal_group(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in procs:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(proc.pid, signal.SIGKILL)
                proc.wait()
            _signal_group(proc.pid, signal.SIGKILL)  # anything the service left in its group
        for state in self.states.values():
            state.state = "stopped"
        self.pidfile.unlink(missing_ok=True)
        state_file(self.settings.var_dir).unlink(missing_ok=True)

    def __enter__(self) -> "Stack":
        self.start()
        self._watcher = threading.Thread(target=self.watch, name="tutor-supervisor", daemon=True)
        self._watcher.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
