"""When the supervisor restarts a service that exited, and the state file `/health` reports.

A service that dies at once must not spin the CPU, and one that ran for a while and then crashed
(a worker out of memory) should come back fast: wait 1 s, then 2, 4, ... up to 30 s between
tries, and start again from 1 s once a run has lasted 60 s.
"""

import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from tutor.private_files import write_private

STATE_FILE = "services.json"
# What /health shows per service (no pids: /health needs no token).
PUBLIC_FIELDS = ("state", "restarts", "last_exit_code", "last_exit_at")


@dataclass
class Backoff:
    initial: float = 1.0
    factor: float = 2.0
    cap: float = 30.0
    reset_after: float = 60.0
    failures: int = 0

    def delay_after_exit(self, uptime: float) -> float:
        """Seconds to wait before starting again a service that just exited after `uptime` s."""
        if uptime >= self.reset_after:
            self.failures = 0
        delay = min(self.cap, self.initial * self.factor ** self.failures)
        self.failures += 1
        return delay


@dataclass
class ServiceState:
    state: str = "starting"  # starting -> running -> restarting -> starting ...; stopped at the end
    pid: int | None = None
    restarts: int = 0
    last_exit_code: int | None = None
    last_exit_at: str | None = None
    next_start_at: str | None = None


def now_iso(offset: float = 0.0) -> str:
    return datetime.fromtimestamp(datetime.now(UTC).timestamp() + offset, UTC).isoformat(timespec="seconds")


def state_file(var_dir: Path) -> Path:
    return var_dir / STATE_FILE


def write_states(var_dir: Path, states: dict[str, ServiceState]) -> None:
    write_private(state_file(var_dir), json.dumps(
        {"supervisor_pid": os.getpid(), "updated_at": now_iso(),
         "services": {name: asdict(state) for name, state in states.items()}}, indent=1))


def read_public_states(var_dir: Path) -> dict[str, dict] | None:
    """Each service's state for /health, or None when no live supervisor wrote the file (compose,
    tests, or a supervisor that was killed and left its last states behind)."""
    try:
        data = json.loads(state_file(var_dir).read_text())
        os.kill(int(data["supervisor_pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return {name: {field: state.get(field) for field in PUBLIC_FIELDS}
            for name, state in data.get("services", {}).items()}
