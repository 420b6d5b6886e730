"""Worker ids that say whether their process still lives: `host:pid:start`.

A worker restarted by the supervisor (or by hand) finds the jobs its dead predecessor left
`running` and reclaims them at once, instead of waiting for their heartbeat to go stale. The
start guards against a reused pid; a worker on another host is judged by heartbeat only.
psutil reads the process table portably (a well-kept library; /proc parsing is Linux-only).

The start is counted from boot, not from 1970: psutil's create_time() adds the boot time the
kernel derives from the wall clock, which moves whenever the clock is set (NTP, a virtual
machine restored from a snapshot). Compared as wall-clock times, a live worker's id stopped
matching its process when the clock was set, and the sweep took its running jobs from it: in
one CI run, 22 of the soak's 55 trainings failed "lost twice" with every worker alive.
"""

import os
import socket

import psutil

START_TOLERANCE_S = 1.0  # rounding, and a boot time read a moment apart; a pid is not reused so soon


def started_since_boot(process: psutil.Process) -> float:
    """Seconds from boot to the process's start, which no setting of the clock changes."""
    return process.create_time() - psutil.boot_time()


def this_worker_id() -> str:
    process = psutil.Process(os.getpid())
    return f"{socket.gethostname()}:{process.pid}:{started_since_boot(process):.2f}"


def is_gone(worker_id: str | None) -> bool:
    """True when `worker_id` names a process on this host that no longer runs. False when it
    lives, is on another host, or the id has another shape (then only staleness counts)."""
    host, _, rest = (worker_id or "").partition(":")
    pid_text, _, started = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit() or not started:
        return False
    try:
        recorded = float(started)
    except ValueError:
        return False
    try:
        process = psutil.Process(int(pid_text))
        return (abs(started_since_boot(process) - recorded) > START_TOLERANCE_S
                or process.status() == psutil.STATUS_ZOMBIE)  # killed, not yet reaped
    except psutil.NoSuchProcess:
        return True
    except psutil.Error:  # e.g. access denied: it exists
        return False
