"""Worker ids that tell a live worker from a dead one on this host."""

import subprocess
import sys

import psutil

from jobs import liveness
from jobs.liveness import is_gone, started_since_boot, this_worker_id


def test_this_worker_is_alive_and_a_finished_process_is_gone():
    assert not is_gone(this_worker_id())
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    host = this_worker_id().split(":")[0]
    worker_id = f"{host}:{proc.pid}:{started_since_boot(psutil.Process(proc.pid)):.2f}"
    assert not is_gone(worker_id) or proc.poll() is not None
    proc.wait()
    assert is_gone(worker_id)


def test_a_reused_pid_with_another_start_time_counts_as_gone():
    host, pid, started = this_worker_id().split(":")
    assert is_gone(f"{host}:{pid}:{float(started) - 100:.2f}")


def test_a_live_worker_stays_alive_when_the_clock_is_set(monkeypatch):
    """The boot time psutil reports follows the wall clock: an hour's step (NTP, a restored
    snapshot) must not make a running worker's id name a dead process."""
    worker_id = this_worker_id()
    stepped = psutil.boot_time() + 3600.0
    monkeypatch.setattr(psutil._psplatform, "boot_time", lambda: stepped)
    assert psutil.Process().create_time() > psutil.boot_time()  # both moved: the step is applied
    assert not is_gone(worker_id)


def test_the_start_is_counted_from_boot_not_from_1970():
    assert 0 <= started_since_boot(psutil.Process()) <= psutil.boot_time()  # not an epoch time
    assert liveness.START_TOLERANCE_S < 100  # a start 100 s off still means another process


def test_ids_of_other_hosts_or_shapes_are_left_to_the_heartbeat():
    _, pid, started = this_worker_id().split(":")
    assert not is_gone(f"another-host:{pid}:1.00")
    assert not is_gone("test-worker") and not is_gone(None)
    host = this_worker_id().split(":")[0]
    assert not is_gone(f"{host}:{pid}:not-a-time")
