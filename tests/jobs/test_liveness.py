"""Worker ids that tell a live worker from a dead one on this host."""

import subprocess
import sys

import psutil

from jobs.liveness import is_gone, this_worker_id


def test_this_worker_is_alive_and_a_finished_process_is_gone():
    assert not is_gone(this_worker_id())
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    host = this_worker_id().split(":")[0]
    worker_id = f"{host}:{proc.pid}:{psutil.Process(proc.pid).create_time():.2f}"
    assert not is_gone(worker_id) or proc.poll() is not None
    proc.wait()
    assert is_gone(worker_id)


def test_a_reused_pid_with_another_start_time_counts_as_gone():
    host, pid, started = this_worker_id().split(":")
    assert is_gone(f"{host}:{pid}:{float(started) - 100:.2f}")


def test_ids_of_other_hosts_or_shapes_are_left_to_the_heartbeat():
    _, pid, started = this_worker_id().split(":")
    assert not is_gone(f"another-host:{pid}:1.00")
    assert not is_gone("test-worker") and not is_gone(None)
