"""The soak's faults (bench/soak.py): a Celery worker SIGKILLed mid-training, one action-server
worker process SIGKILLed, and Redis restarted.

Redis is restarted with the command this machine starts its Redis with (`redis-server
--daemonize yes --bind ... --save "" --appendonly no ...`), on a private port and folder: the machine's Redis
on 6379 is shared with every other test run, which a restart would break. Like the machine's,
this one keeps nothing on disk, so a restart empties the broker queue and the lock store; the
Celery workers and Rasa must reconnect, and the sweep must send a message again for each
queued job (jobs/celery_sweep.py top_up).
"""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx


class PrivateRedis:
    """A redis-server started like the machine's, on `port`, keeping nothing on disk."""

    def __init__(self, port: int, folder: Path):
        self.port = port
        self.folder = folder
        self.url = f"redis://127.0.0.1:{port}"

    def command(self) -> list[str]:
        server = shutil.which("redis-server") or "redis-server"
        return [server, "--daemonize", "yes", "--bind", "127.0.0.1", "--port", str(self.port),
                "--save", "", "--appendonly", "no", "--dir", str(self.folder),
                "--logfile", str(self.folder / "redis.log")]

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(self.command(), check=True)
        self._wait(up=True)

    def stop(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        self._wait(up=False)

    def restart(self) -> float:
        """Stop, then start with the same command; returns the seconds it was away."""
        started = time.monotonic()
        self.stop()
        self.start()
        return time.monotonic() - started

    def _wait(self, up: bool, timeout: float = 15) -> None:
        import redis

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1).ping()
                if up:
                    return
            except redis.ConnectionError:
                if not up:
                    return
            time.sleep(0.05)
        raise RuntimeError(f"Redis on port {self.port} did not {'start' if up else 'stop'}")


def kill_a_worker_mid_training(stack, db_url: str, log: list[str]) -> None:
    """SIGKILL the whole Celery worker (parent, pool process, sandbox) running some job."""
    import sqlalchemy as sa

    from db.engine import make_engine
    from db.models import Job, JobStatus

    engine = make_engine(db_url)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                row = conn.execute(sa.select(Job.id, Job.worker_id).where(
                    Job.status == JobStatus.running, Job.progress > 0.05).limit(1)).first()
            if row is not None:
                pool_pid = int(row.worker_id.split(":")[1])
                for name, proc in stack.procs.items():
                    if name.startswith("worker-") and _is_child(pool_pid, proc.pid):
                        os.killpg(proc.pid, signal.SIGKILL)
                        log.append(f"killed {name} (pid {proc.pid}) while it ran job {row.id}")
                        return
            time.sleep(0.05)
        log.append("no training was running to kill a worker during")
    finally:
        engine.dispose()


def kill_an_action_server_worker(stack, log: list[str]) -> None:
    """SIGKILL one of the action server's Sanic worker processes, then check for 5 s that the
    server still answers (the other worker) while its parent starts a new one."""
    import psutil

    parent = psutil.Process(stack.procs["actions"].pid)
    workers = parent.children()
    if len(workers) < 2:
        log.append(f"the action server runs {len(workers)} worker processes, not 2: none killed")
        return
    os.kill(workers[0].pid, signal.SIGKILL)
    url = f"http://{stack.settings.reachable_host}:{stack.settings.actions_port}/health"
    answered = tried = 0
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        tried += 1
        try:
            answered += httpx.get(url, timeout=2).status_code == 200
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    now = {p.pid for p in parent.children()}
    log.append(f"killed action-server worker {workers[0].pid} of 2; the server answered {answered} of "
               f"{tried} health checks in the next 5 s; workers now {sorted(now)}")


def restart_redis(redis_server: PrivateRedis, log: list[str]) -> None:
    away = redis_server.restart()
    log.append(f"restarted Redis (broker and lock store, port {redis_server.port}): away {away:.1f} s")


def _is_child(pid: int, parent: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).ppid() == parent
    except psutil.NoSuchProcess:
        return False
