"""Worker ids that say whether their process still lives: `host:pid:start time`.

A worker restarted by the supervisor (or by hand) finds the jobs its dead predecessor left
`running` and reclaims them at once, instead of waiting for their heartbeat to go stale. The
start time guards against a reused pid; a worker on another host is judged by heartbeat only.
psutil reads the process table portably (a well-kept library; /proc parsing is Linux-only).
"""

import os
import socket

import psutil


def this_worker_id() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{psutil.Process(pid).create_time():.2f}"


def is_gone(worker_id: str | None) -> bool:
    """True when `worker_id` names a process on this host that no longer runs. False when it
    lives, is on another host, or the id has another shape (then only staleness counts)."""
    host, _, rest = (worker_id or "").partition(":")
    pid_text, _, started = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit() or not started:
        return False
    try:
        process = psutil.Process(int(pid_text))
        return (f"{process.create_time():.2f}" != started
                or process.status() == psutil.STATUS_ZOMBIE)  # killed, not yet reaped
    except psutil.NoSuchProcess:
        return True
    except psutil.Error:  # e.g. access denied: it exists
        return False
