"""Small fake skills that break a limit on purpose (hang, allocate, count threads, go slow), to
test the job sandbox and the worker without a long training. Module-level functions: the
sandbox's spawned child imports them by name."""

import os
import time
from pathlib import Path

from pydantic import BaseModel, Field

from skills.base import SkillResult, SkillSpec


class Params(BaseModel):
    steps: int = 50
    step_seconds: float = 0.02
    megabytes: int = 0


def hang(params, out_dir, progress):
    """Never reports progress and never returns, like a native op that is stuck."""
    while True:
        time.sleep(3600)


def allocate(params, out_dir, progress):
    """Takes `megabytes` of memory and touches it."""
    block = bytearray(params.megabytes * 1024 * 1024)
    return SkillResult("allocate", {"bytes": float(len(block))}, [], "allocated")


def threads(params, out_dir, progress):
    """What a training in the child sees: BLAS pools, OpenMP and TensorFlow's thread settings."""
    import tensorflow as tf
    from threadpoolctl import threadpool_info

    tf.linalg.matmul(tf.ones((64, 64)), tf.ones((64, 64)))  # starts TF's thread pools
    blas = [pool["num_threads"] for pool in threadpool_info()]
    return SkillResult("threads", {
        "blas_max": float(max(blas)),
        "omp": float(os.environ.get("OMP_NUM_THREADS", 0)),
        "tf_intra": float(tf.config.threading.get_intra_op_parallelism_threads()),
        "tf_inter": float(tf.config.threading.get_inter_op_parallelism_threads()),
    }, [], "counted")


def slow(params, out_dir, progress):
    """Reports progress `steps` times, `step_seconds` apart, then finishes."""
    for i in range(params.steps):
        time.sleep(params.step_seconds)
        progress(i / params.steps, f"step {i}")
    return SkillResult("slow", {"steps": float(params.steps)}, [], "done slowly")


class FolderParams(BaseModel):
    hub_module_dir: Path | None = Field(default=None, exclude=True)


def crash_with_settings(params, out_dir, progress):
    """Shows the folder setting the worker handed over, then crashes."""
    raise ZeroDivisionError(f"hub module at {params.hub_module_dir}")


SLOW = SkillSpec("slow", "slow", Params, slow)
HANG = SkillSpec("hang", "hang", Params, hang)
ALLOCATE = SkillSpec("allocate", "allocate", Params, allocate)
FOLDERS = SkillSpec("folders", "folders", FolderParams, crash_with_settings, settings=("hub_module_dir",))


def kill_worker(params, out_dir, progress):
    """Kills the process that runs the job sandbox (a Celery pool process), as a poison job whose
    every attempt takes its worker down would."""
    import signal

    progress(0.1, "about to take the worker down")
    time.sleep(0.3)  # the progress is recorded first
    os.kill(os.getppid(), signal.SIGKILL)
    time.sleep(3600)


KILL_WORKER = SkillSpec("kill_worker", "kill_worker", Params, kill_worker)
