import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.tutor.fake_stack import CRASHER, STEADY, FakeStack, fake
from tutor.services import Service
from tutor.supervisor import ServiceFailed, Stack


@pytest.fixture
def sleeper():
    proc = subprocess.Popen(["sleep", "300"], start_new_session=True)
    # Just after exec, /proc/<pid>/cmdline can read empty for a moment on this kernel; a real
    # leftover is an old process, so wait until the command line is visible.
    cmdline = Path(f"/proc/{proc.pid}/cmdline")
    for _ in range(100):
        if cmdline.read_bytes():
            break
        time.sleep(0.01)
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def _pidfile(stack, proc, argv):
    stack.settings.var_dir.mkdir(parents=True, exist_ok=True)
    stack.pidfile.write_text(json.dumps({"worker": {"pid": proc.pid, "argv": argv}}))


def test_stack_stops_services_a_killed_supervisor_left_running(settings, sleeper):
    stack = Stack(settings)
    _pidfile(stack, sleeper, ["sleep", "300"])
    stack.stop_leftovers()
    assert sleeper.wait(5) is not None
    assert not stack.pidfile.exists()


def test_stack_leaves_alone_a_reused_pid_that_runs_something_else(settings, sleeper):
    stack = Stack(settings)
    _pidfile(stack, sleeper, ["python", "-m", "jobs.worker"])
    stack.stop_leftovers()
    time.sleep(0.2)
    assert sleeper.poll() is None


def test_stack_ignores_ready_lines_from_earlier_runs_in_an_appended_log(settings):
    stack = Stack(settings)
    log = settings.var_dir / "worker.log"
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    log.write_text("old run: worker x waiting for jobs\n")
    stack.logs["worker"], stack.log_starts["worker"] = log, log.stat().st_size
    service = Service("worker", [], ready_log="waiting for jobs")
    assert not stack._is_ready("worker", service)
    with open(log, "a") as f:
        f.write("new run: worker y waiting for jobs\n")
    assert stack._is_ready("worker", service)


def test_stack_refuses_a_port_in_use_naming_the_setting(make_settings):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        stack = Stack(make_settings(api_port=busy.getsockname()[1]))
        with pytest.raises(ServiceFailed, match="TUTOR_API_PORT"):
            stack.check_ports_free()


def test_stack_closes_rasas_http_api_with_a_token_per_run_passed_in_the_environment(settings):
    from tutor.services import rasa_argv

    stack = Stack(settings)
    assert len(stack.settings.rasa_token) >= 24
    assert Stack(settings).settings.rasa_token != stack.settings.rasa_token
    argv = rasa_argv(stack.settings, settings.models_dir / "m.tar.gz")
    assert not any(stack.settings.rasa_token in part for part in argv)  # argv is world-readable
    assert stack.settings.child_env()["TUTOR_RASA_TOKEN"] == stack.settings.rasa_token


def test_stack_sends_rasas_token_only_to_rasa_when_checking_readiness(settings, monkeypatch):
    import httpx

    seen = {}

    def fake_get(url, params=None, timeout=None):
        seen[url] = params
        return httpx.Response(200, json={"model_id": "m"})

    monkeypatch.setattr(httpx, "get", fake_get)
    stack = Stack(settings)
    stack._is_ready("api", Service("api", [], ready_url="http://127.0.0.1:1/health"))
    stack._is_ready("rasa", Service("rasa", [], ready_url="http://127.0.0.1:2/status"))
    assert seen["http://127.0.0.1:1/health"] == {}
    assert seen["http://127.0.0.1:2/status"] == {"token": stack.settings.rasa_token}


# ---- restarts (tests/tutor/fake_stack.py: tiny commands instead of the four services) ----------

def _wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_stack_restarts_a_service_that_exits_with_doubling_delays_and_the_others_keep_running(settings, caplog):
    caplog.set_level("INFO", logger="tutor.supervisor")
    with FakeStack(settings, [fake("crasher", CRASHER), fake("steady", STEADY)]) as stack:
        steady = stack.procs["steady"]
        _wait_for(lambda: stack.states["crasher"].restarts >= 4 and stack.states["crasher"].state == "running")
        assert steady.poll() is None and stack.procs["steady"] is steady and stack.states["steady"].restarts == 0
        states = json.loads((settings.var_dir / "services.json").read_text())["services"]
        assert states["crasher"]["restarts"] >= 4 and states["crasher"]["last_exit_code"] == 3
        pids = json.loads(stack.pidfile.read_text())
        assert pids["crasher"]["pid"] == stack.procs["crasher"].pid  # a restart updates the pid file
    delays = re.findall(r"crasher exited \(exit code 3\) after [\d.]+ s; restart (\d+) in ([\d.]+) s",
                        (settings.logs_dir / "crasher.log").read_text())
    assert [(int(n), float(d)) for n, d in delays[:4]] == [(1, 0.2), (2, 0.4), (3, 0.8), (4, 0.8)]
    assert "crasher is running again (restart 1)" in caplog.text
    assert "restart 1 in 0.2 s" in caplog.text


def test_stack_fails_a_start_when_a_service_exits_before_it_is_ready(settings):
    never_ready = Service("broken", [sys.executable, "-c", "raise SystemExit(2)"], ready_log="ready")
    stack = FakeStack(settings, [never_ready, fake("steady", STEADY)])
    with pytest.raises(ServiceFailed, match="broken exited \\(exit code 2\\)"):
        stack.start()
    assert stack.procs["steady"].poll() is not None
    assert not stack.pidfile.exists()


def test_stack_writes_its_pid_and_state_files_readable_by_their_owner_only(settings):
    settings.var_dir.mkdir(parents=True)
    with FakeStack(settings, [fake("steady", STEADY)]) as stack:
        for path in (stack.pidfile, settings.var_dir / "services.json"):
            assert os.stat(path).st_mode & 0o777 == 0o600, path
    assert not stack.pidfile.exists() and not (settings.var_dir / "services.json").exists()


def test_stack_stop_is_idempotent_and_never_restarts_what_it_stopped(settings):
    stack = FakeStack(settings, [fake("steady", STEADY)]).__enter__()
    proc = stack.procs["steady"]
    stack.stop()
    stack.stop()
    time.sleep(0.2)  # several watcher passes, had it survived the stop
    assert proc.poll() is not None and stack.procs["steady"] is proc
    assert stack.states["steady"].state == "stopped"
