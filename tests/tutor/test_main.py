"""`python -m tutor run`: signals stop everything once, however many arrive; the staff link."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT
from tutor.supervisor import _runs


def _start_supervisor(var_dir):
    """tests/tutor/fake_stack.py under tutor.__main__.supervise: three fake services, two of
    which take a second to stop. Its own session, like `make run` in a terminal or a unit."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.tutor.fake_stack", str(var_dir)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.strip() == "READY":
            break
    else:
        pytest.fail(f"the supervisor never got ready:\n{''.join(lines)}")
    children = json.loads((var_dir / "services.pids").read_text())
    return proc, children


def _send(proc, sig, to_group):
    if to_group:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)


@pytest.mark.parametrize("first,second,to_group", [
    (signal.SIGTERM, signal.SIGINT, True),  # a service manager stopping make's process group
    (signal.SIGINT, signal.SIGTERM, False),  # Ctrl-C, then make forwarding a SIGTERM
], ids=["term-int-to-process-group", "int-term-to-supervisor"])
def test_run_stops_every_service_under_repeated_signals_during_the_stop(tmp_path, first, second, to_group):
    proc, children = _start_supervisor(tmp_path)
    assert len(children) == 3 and all(_runs(c["pid"], c["argv"]) for c in children.values())
    try:
        _send(proc, first, to_group)
        assert proc.stdout.readline().strip() in ("", "Stopping Tutor...")
        for sig in (second, first, second):  # what make and a service manager send while it stops
            time.sleep(0.1)
            _send(proc, sig, to_group)
        out, _ = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, out
    assert "Stopped." in out
    deadline = time.monotonic() + 5
    while any(_runs(c["pid"], c["argv"]) for c in children.values()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [name for name, c in children.items() if _runs(c["pid"], c["argv"])] == []
    assert not (tmp_path / "services.pids").exists()


def test_run_prints_the_staff_link_with_a_token_it_keeps_across_runs(make_settings, monkeypatch, capsys):
    import tutor.__main__ as main
    import tutor.supervisor

    monkeypatch.delenv("TUTOR_STAFF_TOKEN", raising=False)
    seen = []

    def fake_supervise(stack, banner):
        seen.append(stack.settings.staff_token)
        print(banner())
        return 0

    monkeypatch.setattr(main, "supervise", fake_supervise)
    monkeypatch.setattr(tutor.supervisor, "Stack", lambda settings: type("S", (), {"settings": settings})())
    settings = make_settings(public_base_url="http://localhost:8000")
    for _ in range(2):
        with pytest.raises(SystemExit):
            main.cmd_run(settings)
    first, again = seen
    assert first and first == again
    assert f"Staff page: http://localhost:8000/staff-ui#token={first}" in capsys.readouterr().out
